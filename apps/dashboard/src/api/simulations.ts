import type { ApiClient } from './client';
import type { ComparisonResult, PhysicsModel, SimulationJob } from './simulation-types';

/** The simulation routes the what-if page calls (docs/services/simulation.md). */
export function physicsModel(api: ApiClient, twinType: string, signal?: AbortSignal) {
  return api.get<PhysicsModel>(`/v1/physics/${encodeURIComponent(twinType)}`, undefined, signal);
}

/** `POST /v1/simulations/compare`: the result (200), or a job to follow (202, a long run). */
export function compareScenarios(
  api: ApiClient,
  body: unknown,
  signal?: AbortSignal,
): Promise<ComparisonResult | SimulationJob> {
  return api.post('/v1/simulations/compare', body, signal);
}

export function simulationJob(api: ApiClient, id: string, signal?: AbortSignal) {
  return api.get<SimulationJob>(`/v1/simulations/${encodeURIComponent(id)}`, undefined, signal);
}

export const isJob = (answer: ComparisonResult | SimulationJob): answer is SimulationJob =>
  'status' in answer && 'progress' in answer;
