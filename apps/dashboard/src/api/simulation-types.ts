// The simulation API's answers as the what-if page reads them (the OpenAPI document's
// `SimulationResult`, `ComparisonResult`, `SimulationJob` and the physics model). Written here
// because the dashboard's layer may not import libs/physics.

export type LimitLevel = 'warning' | 'alarm' | 'failure';
export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';

/** `GET /v1/physics/{twinType}`: what a scenario may change. */
export interface PhysicsModel {
  twinType: string;
  description: string;
  states: string[];
  inputs: string[];
  outputs: string[];
  parameters: Array<{
    name: string;
    unit: string;
    description: string;
    min?: number;
    max?: number;
    positive?: boolean;
    derived?: boolean;
    declared: number | null;
  }>;
}

export interface Crossing {
  property: string;
  level: LimitLevel;
  bound: 'high' | 'low';
  limit: number;
  atSeconds: number;
  at: string;
}

export interface SimulationResult {
  simulationId: string;
  twinId: string;
  label: string | null;
  startAt: string;
  horizonSeconds: number;
  stepSeconds: number;
  units: Record<string, string>;
  trajectory: { times: number[]; properties: Record<string, number[]> };
  crossings: Crossing[];
  firstLimit: Crossing | null;
  timeToFirstLimitSeconds: number | null;
  riskLevel: RiskLevel;
  recommendations: Array<{ code: string; message: string }>;
  uncertainty: {
    samples: number;
    seed: number;
    bands: Record<string, { p5: number[]; p50: number[]; p95: number[] }>;
    crossingProbabilities: Array<{
      property: string;
      level: LimitLevel;
      bound: 'high' | 'low';
      limit: number;
      probability: number;
      medianAtSeconds: number | null;
    }>;
  } | null;
}

export interface ComparisonResult {
  comparisonId: string;
  base: SimulationResult;
  alternative: SimulationResult;
  comparison: {
    verdict: 'alternative-better' | 'base-better' | 'same';
    reason: string;
    riskLevel: { base: string; alternative: string };
    timeToFirstLimitSeconds: { base: number | null; alternative: number | null };
  };
}

export interface SimulationJob {
  simulationId: string;
  kind: 'run' | 'compare';
  twinId: string;
  status: 'running' | 'completed' | 'cancelled' | 'failed';
  progress: {
    phase: 'calibrating' | 'simulating' | 'recommending' | 'monte-carlo';
    fraction: number;
  };
  error: { code: string; message: string } | null;
  result?: ComparisonResult;
}
