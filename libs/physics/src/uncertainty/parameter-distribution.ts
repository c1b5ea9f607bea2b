import { cholesky, type Matrix } from '../math/linear-algebra';
import type { CalibrationOutcome, PhysicsModel } from '../model/physics-model';
import { variablesOf } from '../model/physics-model';
import type { SeededRandom } from './random';

/**
 * What is uncertain about a run's numbers, as normal distributions: the fitted parameters
 * jointly (their calibration covariance), each declared default on its own (the model file's
 * relative uncertainty; definitions such as the nominal speed are exact), and each start value
 * read from a sensor (the noise calibration measured around the model).
 */
export interface Uncertainty {
  joint: Array<{ indices: number[]; factor: Matrix }>;
  independent: Array<{ index: number; sd: number }>;
  /** Start readings' noise, by property. */
  startNoise: Record<string, number>;
}

export function uncertaintyOf(
  model: PhysicsModel,
  calibration: CalibrationOutcome,
  base: Float64Array,
  defaultUncertainty: number,
): Uncertainty {
  const variables = variablesOf(model);
  const fitted = new Set<string>();
  const joint: Uncertainty['joint'] = [];
  for (const { names, covariance } of calibration.covariances) {
    const factor = cholesky(covariance);
    if (!factor) continue;
    names.forEach((n) => fitted.add(n));
    joint.push({ indices: names.map((n) => variables.indexOf(n)), factor });
  }
  const independent: Uncertainty['independent'] = [];
  for (const spec of model.parameters) {
    if (fitted.has(spec.name) || spec.reference || spec.derived) continue;
    const index = variables.indexOf(spec.name);
    const sd = Math.abs(base[index]!) * defaultUncertainty;
    if (sd > 0) independent.push({ index, sd });
  }
  return { joint, independent, startNoise: { ...calibration.noise } };
}

/**
 * One draw of the variables around `base` into `out`, redrawn (up to 20 times) while a value
 * falls outside its physical bounds, then clamped: a time constant is never negative.
 */
export function drawVariables(
  u: Uncertainty,
  base: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  random: SeededRandom,
  out: Float64Array,
): void {
  out.set(base);
  for (const { indices, factor } of u.joint) {
    for (let attempt = 0; ; attempt++) {
      const z = indices.map(() => random.normal());
      let inside = true;
      for (let i = 0; i < indices.length; i++) {
        let delta = 0;
        for (let j = 0; j <= i; j++) delta += factor[i]![j]! * z[j]!;
        const index = indices[i]!;
        out[index] = base[index]! + delta;
        inside &&= out[index]! >= lower[index]! && out[index]! <= upper[index]!;
      }
      if (inside) break;
      if (attempt === 20) {
        for (const index of indices)
          out[index] = Math.min(upper[index]!, Math.max(lower[index]!, out[index]!));
        break;
      }
    }
  }
  for (const { index, sd } of u.independent) {
    let value = base[index]! + sd * random.normal();
    for (
      let attempt = 0;
      attempt < 20 && (value < lower[index]! || value > upper[index]!);
      attempt++
    ) {
      value = base[index]! + sd * random.normal();
    }
    out[index] = Math.min(upper[index]!, Math.max(lower[index]!, value));
  }
}
