import type { LimitCrossing, LimitLevel, RiskLevel } from '../events/twin-events';

/*
 * The simulation service's answers, as libs/physics computes them and the dashboard reads them
 * (the OpenAPI document's SimulationResult, ComparisonResult, SimulationJob and physics model).
 * Here, in the pure domain, so both sides import one definition instead of copying it.
 */

/** What a scenario's change does to its target (libs/physics/src/scenario). */
export const PERTURBATION_KINDS = ['set', 'step', 'ramp', 'fail'] as const;
export type PerturbationKind = (typeof PERTURBATION_KINDS)[number];

/**
 * The simulation service's limits by default (its SIMULATION_MAX_* settings may change the first
 * four; docs/services/simulation.md). The dashboard checks a scenario against them before sending.
 */
export const SIMULATION_LIMIT_DEFAULTS = {
  /** Ten years. */
  maxHorizonSeconds: 3650 * 86_400,
  maxSteps: 100_000,
  maxSamples: 10_000,
  /** Monte Carlo samples × points. */
  maxWork: 5_000_000,
  /** Perturbations per run (a request's list). */
  maxPerturbations: 50,
  /** A run without a step has about this many steps: one a minute over a day. */
  defaultStepsPerHorizon: 1440,
} as const;

/** A parameter of a twin type's physics model. */
export interface ParameterSpec {
  name: string;
  /** The property whose `physics:` block declares it; the twin type's own block when absent. */
  property?: string;
  unit: string;
  description: string;
  /** Inclusive bounds; `positive` makes the lower bound 0 strict (the equations divide by it). */
  min?: number;
  max?: number;
  positive?: boolean;
  /** A definition (a nominal speed, the reference cooling capacity), not a measured constant. */
  reference?: boolean;
  /** Not in the model file: worked out at the start of each run (see PhysicsModel.derive). */
  derived?: boolean;
}

/** `GET /v1/physics/{twinType}`: what a scenario may change. */
export interface PhysicsModelAnswer {
  twinType: string;
  description: string;
  states: string[];
  inputs: string[];
  outputs: string[];
  /** With the default the twin model file declares (null: none). */
  parameters: Array<ParameterSpec & { declared: number | null }>;
}

/** A limit crossing with its time of day as well as its offset from the start. */
export type TimedLimitCrossing = LimitCrossing & { at: string };

/** The share of Monte Carlo samples that reach a limit within the horizon. */
export interface CrossingProbability {
  property: string;
  level: LimitLevel;
  bound: 'high' | 'low';
  limit: number;
  probability: number;
  /** The median crossing time when at least half the samples cross, else null. */
  medianAtSeconds: number | null;
}

/** A Monte Carlo run's bands and crossing probabilities. */
export interface MonteCarloBands {
  samples: number;
  seed: number;
  /** Per property: the 5th, 50th and 95th percentile at each output time. */
  bands: Record<string, { p5: number[]; p50: number[]; p95: number[] }>;
  crossingProbabilities: CrossingProbability[];
}

/** What a run found: the part of a simulation result every reader uses. */
export interface SimulationOutcome {
  twinId: string;
  label: string | null;
  startAt: string;
  horizonSeconds: number;
  stepSeconds: number;
  units: Record<string, string>;
  trajectory: { times: number[]; properties: Record<string, number[]> };
  crossings: TimedLimitCrossing[];
  firstLimit: TimedLimitCrossing | null;
  timeToFirstLimitSeconds: number | null;
  riskLevel: RiskLevel;
  recommendations: Array<{ code: string; message: string }>;
  uncertainty: MonteCarloBands | null;
}

/** Two runs compared: which is better, and why. */
export interface ComparisonVerdict {
  verdict: 'alternative-better' | 'base-better' | 'same';
  reason: string;
  riskLevel: { base: string; alternative: string };
  timeToFirstLimitSeconds: { base: number | null; alternative: number | null };
}

/** How far a run has got. */
export interface SimulationProgress {
  phase: 'calibrating' | 'simulating' | 'recommending' | 'monte-carlo';
  /** 0 to 1, over the whole run. */
  fraction: number;
}

export type SimulationJobStatus = 'running' | 'completed' | 'cancelled' | 'failed';
