import { z } from 'zod';
import {
  PERTURBATION_KINDS,
  SIMULATION_LIMIT_DEFAULTS,
  TwinlogError,
  type PerturbationKind,
} from '@twinlog/domain';
import { formatDuration, parseDuration } from './durations';

/** Defined in libs/domain (the dashboard's scenario form reads the same list). */
export { PERTURBATION_KINDS, type PerturbationKind };

/**
 * A change to the twin during the run, at `at` seconds after the start and until `until` (the
 * end of the run when absent):
 * - set: hold the target at `value`;
 * - step: change it by `by` (absolute) or by `factor` (relative; "+20%" is 1.2);
 * - fail: leave `remaining` of it (0 by default: the cooling "fails" to 10% is remaining 0.1);
 * - ramp: change it at `ratePerHour`; on a state this adds a drift to its own dynamics
 *   ("temperature rises 2 °C per hour" on top of what the physics does).
 */
export interface Perturbation {
  kind: PerturbationKind;
  target: string;
  at: number;
  until?: number;
  value?: number;
  by?: number;
  factor?: number;
  remaining?: number;
  ratePerHour?: number;
}

export interface MonteCarloSettings {
  samples: number;
  seed: number;
}

/** A what-if question, validated: from the start state, look `horizonSeconds` ahead. */
export interface Scenario {
  label: string | null;
  horizonSeconds: number;
  stepSeconds: number;
  perturbations: Perturbation[];
  monteCarlo: MonteCarloSettings | null;
  calibrationWindowSeconds: number;
}

/** The service's bounds on a run (each a configuration setting of the simulation service). */
export interface ScenarioLimits {
  /** The longest horizon, in seconds. */
  maxHorizonSeconds: number;
  maxSteps: number;
  maxSamples: number;
  /** Steps × samples: what a Monte Carlo run keeps in memory. */
  maxWork: number;
  defaultCalibrationWindowSeconds: number;
  maxCalibrationWindowSeconds: number;
}

const duration = z.union([z.number(), z.string()]);
const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const perturbationInput = z
  .object({
    kind: z.enum(PERTURBATION_KINDS),
    target: z.string().min(1),
    at: duration.default(0),
    until: duration.optional(),
    value: finite.optional(),
    by: finite.optional(),
    factor: finite.optional(),
    percent: finite.optional(),
    remaining: finite.min(0).max(1).optional(),
    ratePerHour: finite.optional(),
  })
  .strict();

export const scenarioInput = z
  .object({
    label: z.string().max(200).optional(),
    horizon: duration,
    step: duration.optional(),
    perturbations: z
      .array(perturbationInput)
      .max(SIMULATION_LIMIT_DEFAULTS.maxPerturbations)
      .default([]),
    monteCarlo: z
      .object({
        samples: z.number().int().positive(),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 32 - 1)
          .optional(),
      })
      .strict()
      .optional(),
    calibrationWindow: duration.optional(),
  })
  .strict();

export type ScenarioInput = z.input<typeof scenarioInput>;

/**
 * Validates a scenario's shape, numbers and size (not yet against a twin's model: see
 * checkAgainstModel). Every problem is reported at once, each naming its field.
 */
export function parseScenario(input: unknown, limits: ScenarioLimits): Scenario {
  const parsed = scenarioInput.safeParse(input);
  if (!parsed.success) {
    throw scenarioInvalid(
      parsed.error.issues.map(
        (i) => `${i.path.map(String).join('.') || '(scenario)'}: ${i.message}`,
      ),
    );
  }
  const raw = parsed.data;
  const problems: string[] = [];
  const seconds = (value: unknown, field: string): number => {
    const s = parseDuration(value);
    if (Number.isNaN(s))
      problems.push(
        `${field}: "${String(value)}" is not a duration (seconds, or like 90s, 15m, 2h, 1d)`,
      );
    return s;
  };
  const horizon = seconds(raw.horizon, 'horizon');
  const step = raw.step === undefined ? defaultStep(horizon) : seconds(raw.step, 'step');
  if (horizon <= 0) problems.push(`horizon: must be positive (got ${horizon} s)`);
  if (horizon > limits.maxHorizonSeconds) {
    problems.push(
      `horizon: ${horizon} s is more than the limit of ${limits.maxHorizonSeconds} s (${formatDuration(limits.maxHorizonSeconds)})`,
    );
  }
  if (step <= 0) problems.push(`step: must be positive (got ${step} s)`);
  const steps = Math.ceil(horizon / step);
  if (horizon > 0 && step > 0 && step > horizon)
    problems.push(`step: ${step} s is longer than the horizon (${horizon} s)`);
  if (steps > limits.maxSteps) {
    problems.push(
      `horizon / step = ${steps} steps, more than the limit of ${limits.maxSteps}: use a longer step or a shorter horizon`,
    );
  }
  const window =
    raw.calibrationWindow === undefined
      ? limits.defaultCalibrationWindowSeconds
      : seconds(raw.calibrationWindow, 'calibrationWindow');
  if (window < 0 || window > limits.maxCalibrationWindowSeconds) {
    problems.push(
      `calibrationWindow: must be from 0 to ${limits.maxCalibrationWindowSeconds} s (got ${window} s)`,
    );
  }
  const perturbations = raw.perturbations.map((p, i) =>
    normalizePerturbation(p, `perturbations.${i}`, horizon, seconds, problems),
  );
  let monteCarlo: MonteCarloSettings | null = null;
  if (raw.monteCarlo) {
    const { samples, seed = 1 } = raw.monteCarlo;
    if (samples > limits.maxSamples)
      problems.push(
        `monteCarlo.samples: ${samples} is more than the limit of ${limits.maxSamples}`,
      );
    else if (samples * (steps + 1) > limits.maxWork) {
      problems.push(
        `monteCarlo: ${samples} samples × ${steps + 1} points is more than the limit of ${limits.maxWork}: fewer samples or a longer step`,
      );
    }
    monteCarlo = { samples, seed };
  }
  if (problems.length > 0) throw scenarioInvalid(problems);
  return {
    label: raw.label ?? null,
    horizonSeconds: horizon,
    stepSeconds: step,
    perturbations,
    monteCarlo,
    calibrationWindowSeconds: window,
  };
}

function normalizePerturbation(
  p: z.infer<typeof perturbationInput>,
  path: string,
  horizon: number,
  seconds: (value: unknown, field: string) => number,
  problems: string[],
): Perturbation {
  const at = seconds(p.at, `${path}.at`);
  const until = p.until === undefined ? undefined : seconds(p.until, `${path}.until`);
  if (at < 0 || (horizon > 0 && at >= horizon))
    problems.push(`${path}.at: ${at} s is outside the run (0 to ${horizon} s)`);
  if (until !== undefined && !(until > at))
    problems.push(`${path}.until: must be after at (${at} s)`);
  const amounts = (
    ['value', 'by', 'factor', 'percent', 'remaining', 'ratePerHour'] as const
  ).filter((k) => p[k] !== undefined);
  const allowed: Record<PerturbationKind, readonly string[]> = {
    set: ['value'],
    step: ['by', 'factor', 'percent'],
    fail: ['remaining'],
    ramp: ['ratePerHour'],
  };
  const foreign = amounts.filter((k) => !allowed[p.kind].includes(k));
  if (foreign.length > 0)
    problems.push(
      `${path}: ${p.kind} takes ${allowed[p.kind].join(' or ')}, not ${foreign.join(', ')}`,
    );
  const base = { kind: p.kind, target: p.target, at, ...(until === undefined ? {} : { until }) };
  switch (p.kind) {
    case 'set':
      if (p.value === undefined) problems.push(`${path}: set needs a value`);
      return { ...base, value: p.value ?? 0 };
    case 'step': {
      const given = [p.by, p.factor, p.percent].filter((x) => x !== undefined).length;
      if (given !== 1) problems.push(`${path}: step needs exactly one of by, factor or percent`);
      if (p.percent !== undefined && p.percent < -100)
        problems.push(`${path}.percent: cannot take away more than 100%`);
      if (p.factor !== undefined && p.factor < 0)
        problems.push(`${path}.factor: must not be negative`);
      if (p.by !== undefined) return { ...base, by: p.by };
      return { ...base, factor: p.factor ?? 1 + (p.percent ?? 0) / 100 };
    }
    case 'fail':
      return { ...base, remaining: p.remaining ?? 0 };
    case 'ramp':
      if (p.ratePerHour === undefined) problems.push(`${path}: ramp needs ratePerHour`);
      return { ...base, ratePerHour: p.ratePerHour ?? 0 };
    default: {
      const unknown: never = p.kind;
      return unknown;
    }
  }
}

/** About 1,440 points: one a minute over a day. */
function defaultStep(horizon: number): number {
  return horizon > 0
    ? Math.max(1, Math.ceil(horizon / SIMULATION_LIMIT_DEFAULTS.defaultStepsPerHorizon))
    : 1;
}

export function scenarioInvalid(problems: string[]): TwinlogError {
  return new TwinlogError('SCENARIO_INVALID', `The scenario is invalid: ${problems.join('; ')}`, {
    problems,
  });
}
