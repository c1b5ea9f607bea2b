import type { ApiClient } from './client';
import type { ComparisonResult, SimulationJob } from './simulation-types';

/** What `POST /v1/simulations/ask` adds: the scenario the words became, as the API takes it. */
export interface ScenarioAsk {
  text: string;
  /** Exactly a `POST /v1/simulations` body, from the start the ask ran from (`at`). */
  scenario: {
    twinId: string;
    at: string;
    label?: string;
    horizon: number | string;
    step?: number | string;
    perturbations: Array<Record<string, unknown>>;
    monteCarlo?: { samples: number; seed?: number };
  };
  /** Added to the perturbations on the compared side. */
  mitigations: Array<Record<string, unknown>>;
  assumptions: string[];
  model: string;
  cached: boolean;
}

export type AskAnswer = (ComparisonResult | SimulationJob) & { ask: ScenarioAsk };

/**
 * `POST /v1/simulations/ask` with `baseline`: always a comparison (the page draws the scenario
 * against the twin left alone, or against it without the mitigations), or a job of one.
 */
export function askScenario(
  api: ApiClient,
  body: { twinId: string; ask: string },
  signal?: AbortSignal,
): Promise<AskAnswer> {
  return api.post('/v1/simulations/ask', { ...body, baseline: true }, signal);
}
