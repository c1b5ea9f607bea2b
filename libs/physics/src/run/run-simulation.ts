import type { LimitCrossing } from '@twinlog/domain';
import { declaredParameters } from '../model/declared-parameters';
import { propertiesOf, variablesOf, type CalibrationOutcome } from '../model/physics-model';
import { physicsModelFor } from '../models/physics-models';
import { checkAgainstModel } from '../scenario/check-against-model';
import type { Scenario } from '../scenario/scenario';
import { compileSchedule } from '../scenario/schedule';
import { crossingsFrom, riskLevelOf, thresholdsOf } from '../simulate/limit-crossings';
import { recommend } from '../simulate/recommendations';
import { RELATIVE_TOLERANCE, Simulator } from '../simulate/simulator';
import { StepBudget, UNLIMITED } from '../simulate/step-budget';
import { checkFinite, checkStartInRange } from './finite-result';
import { monteCarlo, type MonteCarloOutcome } from '../uncertainty/monte-carlo';
import { uncertaintyOf } from '../uncertainty/parameter-distribution';
import { parametersReport } from './parameters-report';
import type {
  RunOptions,
  SimulationProgress,
  SimulationResult,
  SimulationSubject,
} from './simulation-result';
import { latestReadings, startOf } from './start-values';
import { timed } from './timed-readings';

/** Share of the progress bar before the Monte Carlo samples. */
const BEFORE_MONTE_CARLO = 0.05;

/**
 * One what-if run: calibrate the twin type's model on the twin's recent readings, start from
 * its state at `startAt`, integrate the scenario, find the limits it crosses, advise, and (when
 * asked) propagate the calibration's uncertainty by Monte Carlo. A generator that yields
 * progress between chunks of work, so a caller can report it and stop early.
 */
export function* runSimulation(
  subject: SimulationSubject,
  scenario: Scenario,
  options: RunOptions = {},
): Generator<SimulationProgress, SimulationResult, void> {
  const model = physicsModelFor(subject.twinModel.type);
  checkAgainstModel(scenario, model);
  const startMs = Date.parse(subject.startAt);
  yield { phase: 'calibrating', fraction: 0 };
  const declared = declaredParameters(subject.twinModel, model.parameters);
  const readings = timed(subject, startMs);
  const windowStart = -scenario.calibrationWindowSeconds;
  const calibration: CalibrationOutcome =
    scenario.calibrationWindowSeconds > 0
      ? model.calibrate(
          readings.filter((r) => r.t >= windowStart),
          declared.values,
        )
      : { groups: [], values: {}, covariances: [], noise: {}, hints: {} };
  const variables = variablesOf(model);
  const base = new Float64Array(variables.length);
  model.parameters.forEach((spec, j) => {
    base[model.inputs.length + j] =
      calibration.values[spec.name] ?? declared.values[spec.name] ?? 0;
  });
  const { start, report } = startOf(model, latestReadings(readings), base, calibration.hints);
  checkStartInRange(model, start.values, base);
  const x0 = Float64Array.from(model.states, (s) => start.values[s]!);

  yield { phase: 'simulating', fraction: 0.01 };
  const schedule = compileSchedule(scenario, model);
  const properties = propertiesOf(model);
  const columns = properties.map(() => new Float64Array(schedule.grid.length));
  const budget =
    options.maxIntegratorSteps === undefined
      ? UNLIMITED
      : new StepBudget(options.maxIntegratorSteps);
  const simulator = new Simulator(model, schedule, budget);
  const thresholds = thresholdsOf(subject.limits, properties);
  simulator.watch(thresholds);
  simulator.run(x0, base, { columns, stride: 1, offset: 0 });
  const crossings = crossingsFrom(thresholds, simulator.crossingTimes);
  const units = Object.fromEntries(
    properties.map((p) => [p, subject.twinModel.properties[p]?.unit ?? '']),
  );

  yield { phase: 'recommending', fraction: 0.02 };
  const recommendations = recommend({
    model,
    scenario,
    schedule,
    x0,
    base,
    thresholds,
    crossings,
    peak: Float64Array.from(simulator.peak),
    units,
    budget,
  });

  let uncertainty: MonteCarloOutcome | null = null;
  if (scenario.monteCarlo) {
    const { samples, seed } = scenario.monteCarlo;
    const runs = monteCarlo({
      model,
      schedule,
      base,
      start,
      hints: calibration.hints,
      uncertainty: uncertaintyOf(model, calibration, base, declared.defaultUncertainty),
      thresholds,
      samples,
      seed,
      budget,
    });
    for (let step = runs.next(); ; step = runs.next()) {
      if (step.done) {
        uncertainty = step.value;
        break;
      }
      yield {
        phase: 'monte-carlo',
        fraction: BEFORE_MONTE_CARLO + (1 - BEFORE_MONTE_CARLO) * (step.value / samples),
      };
    }
  }

  const stamp = (c: LimitCrossing) => ({
    ...c,
    at: new Date(startMs + c.atSeconds * 1000).toISOString(),
  });
  const stamped = crossings.map(stamp);
  const first = stamped[0] ?? null;
  return checkFinite({
    twinId: subject.twinId,
    twinType: model.twinType,
    label: scenario.label,
    startAt: new Date(startMs).toISOString(),
    horizonSeconds: scenario.horizonSeconds,
    stepSeconds: scenario.stepSeconds,
    perturbations: scenario.perturbations,
    model: {
      description: model.description,
      states: [...model.states],
      inputs: [...model.inputs],
      outputs: [...model.outputs],
    },
    start: report,
    parameters: parametersReport(model, base, calibration),
    calibration: {
      from: new Date(startMs - scenario.calibrationWindowSeconds * 1000).toISOString(),
      to: new Date(startMs).toISOString(),
      groups: calibration.groups,
    },
    units,
    trajectory: {
      times: Array.from(schedule.grid),
      properties: Object.fromEntries(properties.map((p, i) => [p, Array.from(columns[i]!)])),
    },
    crossings: stamped,
    firstLimit: first,
    timeToFirstLimitSeconds: first?.atSeconds ?? null,
    riskLevel: riskLevelOf(crossings, uncertainty?.crossingProbabilities),
    recommendations,
    uncertainty,
    integration: {
      method: 'Dormand-Prince 5(4), adaptive step',
      relativeTolerance: RELATIVE_TOLERANCE,
      evaluations: simulator.integrator.evaluations,
      rejectedSteps: simulator.integrator.rejected,
    },
  });
}
