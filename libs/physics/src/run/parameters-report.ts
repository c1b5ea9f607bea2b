import type { CalibrationOutcome, PhysicsModel } from '../model/physics-model';
import type { SimulationResult } from './simulation-result';

/** Each parameter's value in the run, with its standard error when calibration fitted it. */
export function parametersReport(
  model: PhysicsModel,
  base: Float64Array,
  calibration: CalibrationOutcome,
): SimulationResult['parameters'] {
  const stdErr = new Map<string, number>();
  for (const { names, covariance } of calibration.covariances) {
    names.forEach((n, i) => stdErr.set(n, Math.sqrt(Math.max(0, covariance[i]![i]!))));
  }
  return Object.fromEntries(
    model.parameters.map((spec, j) => [
      spec.name,
      {
        value: base[model.inputs.length + j]!,
        stdErr: stdErr.get(spec.name) ?? null,
        source: spec.derived ? 'derived' : stdErr.has(spec.name) ? 'fitted' : 'declared',
        unit: spec.unit,
      },
    ]),
  );
}
