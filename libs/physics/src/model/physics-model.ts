import type { ParameterSpec, TwinModel } from '@twinlog/domain';

/**
 * A coefficient of a physics model, declared (with its default) in the twin model file. Defined
 * in libs/domain: `GET /v1/physics/{twinType}` answers it to the dashboard.
 */
export type { ParameterSpec };

/** An operating lever a recommendation may turn down (the model's outputs rise with it). */
export interface ModelControl {
  /** An input or parameter name. */
  name: string;
  /** How a person says it: "spindle speed". */
  label: string;
  unit: string;
}

/** One reading as calibration sees it: seconds relative to the run's start (negative: before). */
export interface TimedValue {
  property: string;
  t: number;
  value: number;
}

export interface StartValues {
  values: Record<string, number>;
  /** Properties whose start value is a reading (the rest are the model's fallbacks). */
  fromReadings: ReadonlySet<string>;
}

/**
 * The dynamic model of one twin type: states integrated over time, inputs held between
 * perturbations (the operating point), outputs computed from both, and parameters. Equations
 * work on flat arrays: x (states), v (inputs then parameters, see `variables`), so a run
 * allocates nothing per step.
 */
export interface PhysicsModel {
  twinType: string;
  description: string;
  states: readonly string[];
  inputs: readonly string[];
  outputs: readonly string[];
  parameters: readonly ParameterSpec[];
  /**
   * Physical ranges of states and inputs (inclusive): a `set` outside is refused up front, and
   * a start outside (an extreme last reading) refuses the run with its reason.
   */
  ranges: Readonly<Record<string, { min: number; max: number }>>;
  /** Absolute integration tolerance per state, in its unit. */
  stateTolerance: readonly number[];
  derivatives(x: Float64Array, v: Float64Array, dxdt: Float64Array): void;
  computeOutputs(x: Float64Array, v: Float64Array, y: Float64Array): void;
  /** A state's or input's start value when the twin has no reading of it. */
  fallbackStart(property: string, v: Float64Array): number;
  /** Fills the derived parameters in `v` from the start values (and calibration's hints). */
  derive(start: StartValues, v: Float64Array, hints: Record<string, number>): void;
  /** What recommendations may lower, most direct first. */
  controls: readonly ModelControl[];
  /** What to do about a property heading for its alarm limit, when the model knows ("Change the tool"). */
  remedies: Readonly<Record<string, string>>;
  /** Fits the parameters to recent readings; see calibrate/. */
  calibrate(readings: TimedValue[], declared: Record<string, number>): CalibrationOutcome;
}

export interface CalibrationGroupReport {
  group: string;
  /** The property whose readings were fitted. */
  target: string;
  status: 'fitted' | 'partial' | 'default';
  points: number;
  rmse: number | null;
  r2: number | null;
  /** Parameters the data determined (their estimates replace the declared defaults). */
  fitted: string[];
  /** Why the group, or part of it, fell back to the defaults. */
  reason: string | null;
}

export interface CalibrationOutcome {
  groups: CalibrationGroupReport[];
  /** Estimates of the fitted parameters. */
  values: Record<string, number>;
  /** Covariances per group, over that group's `fitted` parameters (in that order). */
  covariances: Array<{ names: string[]; covariance: number[][] }>;
  /** Residual noise of each fitted property: its readings' scatter around the model. */
  noise: Record<string, number>;
  /** What calibration learned besides parameters (for example the mean cutting load). */
  hints: Record<string, number>;
}

/** The names in `v`: the inputs, then the parameters. */
export function variablesOf(model: PhysicsModel): string[] {
  return [...model.inputs, ...model.parameters.map((p) => p.name)];
}

export function propertiesOf(model: PhysicsModel): string[] {
  return [...model.states, ...model.inputs, ...model.outputs];
}

/** Every physics model knows which twin type it describes; the file supplies its numbers. */
export type PhysicsModelFactory = (twinModel: TwinModel) => PhysicsModel;

/** Why `value` is outside a state's or input's physical range, or null when it is inside. */
export function rangeProblem(model: PhysicsModel, property: string, value: number): string | null {
  if (!Number.isFinite(value)) return 'is not a finite number';
  const range = Object.hasOwn(model.ranges, property) ? model.ranges[property] : undefined;
  if (!range) return null;
  if (value < range.min || value > range.max)
    return `is outside its physical range (${range.min} to ${range.max})`;
  return null;
}
