import type { PhysicsModel } from '../model/physics-model';
import { variablesOf } from '../model/physics-model';
import type { Perturbation, Scenario } from './scenario';

/**
 * Within a segment each variable (input or parameter) is affine in its base value and in time,
 * v(t) = α·base + β + γ·t, and each state has a constant drift added to its derivative. A
 * run only has to evaluate these, whatever the perturbations were.
 */
export interface Segment {
  start: number;
  end: number;
  alpha: Float64Array;
  beta: Float64Array;
  gamma: Float64Array;
  /** Variables with γ ≠ 0 (ramping within the segment). */
  ramped: Int32Array;
  /** Per state, units per second added to dx/dt. */
  drift: Float64Array;
}

/** x ← α·x + β for one state at one instant. */
export interface StateJump {
  state: number;
  alpha: number;
  beta: number;
}

export interface Schedule {
  segments: Segment[];
  /** State jumps at the start of each segment (same index as `segments`). */
  jumps: StateJump[][];
  /** Output times, 0 to the horizon. */
  grid: Float64Array;
  /** Per variable: lower and upper physical bounds (clamped to while ramping). */
  lower: Float64Array;
  upper: Float64Array;
}

/** Compiles a scenario's perturbations against a model once; every run reuses the result. */
export function compileSchedule(scenario: Scenario, model: PhysicsModel): Schedule {
  const variables = variablesOf(model);
  const horizon = scenario.horizonSeconds;
  const ordered = scenario.perturbations
    .map((p, order) => ({ p, order }))
    .sort((a, b) => a.p.at - b.p.at || a.order - b.order)
    .map(({ p }) => p);
  const cuts = new Set<number>([0]);
  for (const p of ordered) {
    cuts.add(p.at);
    if (p.until !== undefined && p.until < horizon) cuts.add(p.until);
  }
  const starts = [...cuts].filter((t) => t < horizon).sort((a, b) => a - b);
  const segments: Segment[] = [];
  const jumps: StateJump[][] = [];
  for (const [i, start] of starts.entries()) {
    const end = starts[i + 1] ?? horizon;
    segments.push(segmentAt(start, end, ordered, model, variables));
    jumps.push(
      ordered
        .filter((p) => p.at === start && model.states.includes(p.target) && p.kind !== 'ramp')
        .map((p) => jumpOf(p, model.states.indexOf(p.target))),
    );
  }
  const steps = Math.ceil(horizon / scenario.stepSeconds - 1e-9);
  const grid = new Float64Array(steps + 1);
  for (let k = 0; k <= steps; k++) grid[k] = Math.min(k * scenario.stepSeconds, horizon);
  const lower = new Float64Array(variables.length).fill(Number.NEGATIVE_INFINITY);
  const upper = new Float64Array(variables.length).fill(Number.POSITIVE_INFINITY);
  model.inputs.forEach((_, i) => (lower[i] = 0));
  model.parameters.forEach((spec, j) => {
    const i = model.inputs.length + j;
    lower[i] = spec.positive ? Number.MIN_VALUE : (spec.min ?? Number.NEGATIVE_INFINITY);
    upper[i] = spec.max ?? Number.POSITIVE_INFINITY;
  });
  return { segments, jumps, grid, lower, upper };
}

function segmentAt(
  start: number,
  end: number,
  ordered: Perturbation[],
  model: PhysicsModel,
  variables: string[],
): Segment {
  const n = variables.length;
  const alpha = new Float64Array(n).fill(1);
  const beta = new Float64Array(n);
  const gamma = new Float64Array(n);
  const drift = new Float64Array(model.states.length);
  for (const p of ordered) {
    if (p.at > start) continue;
    const within = p.until === undefined || start < p.until;
    const state = model.states.indexOf(p.target);
    if (state >= 0) {
      if (p.kind === 'ramp' && within) drift[state]! += p.ratePerHour! / 3600;
      continue;
    }
    const i = variables.indexOf(p.target);
    if (p.kind === 'ramp') {
      const rate = p.ratePerHour! / 3600;
      if (within) {
        beta[i]! -= rate * p.at;
        gamma[i]! += rate;
      } else {
        beta[i]! += rate * (p.until! - p.at);
      }
      continue;
    }
    if (!within) continue;
    switch (p.kind) {
      case 'set':
        alpha[i] = 0;
        beta[i] = p.value!;
        gamma[i] = 0;
        break;
      case 'step':
        if (p.by !== undefined) {
          beta[i]! += p.by;
          break;
        }
        scale(i, p.factor!);
        break;
      case 'fail':
        scale(i, p.remaining!);
        break;
    }
  }
  const ramped = Int32Array.from([...gamma.keys()].filter((i) => gamma[i] !== 0));
  return { start, end, alpha, beta, gamma, ramped, drift };

  function scale(i: number, k: number) {
    alpha[i]! *= k;
    beta[i]! *= k;
    gamma[i]! *= k;
  }
}

function jumpOf(p: Perturbation, state: number): StateJump {
  switch (p.kind) {
    case 'set':
      return { state, alpha: 0, beta: p.value! };
    case 'step':
      return p.by !== undefined
        ? { state, alpha: 1, beta: p.by }
        : { state, alpha: p.factor!, beta: 0 };
    default:
      throw new Error(`a ${p.kind} is not a jump of a state`);
  }
}
