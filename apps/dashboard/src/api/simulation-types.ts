// The simulation API's answers as the what-if page reads them: libs/domain's definitions (the
// same ones libs/physics computes), with what the service adds (the simulation's id, the job).
import type {
  ComparisonVerdict,
  LimitLevel,
  PhysicsModelAnswer,
  RiskLevel,
  SimulationJobStatus,
  SimulationOutcome,
  SimulationProgress,
  TimedLimitCrossing,
} from '@twinlog/domain';

export type { LimitLevel, RiskLevel };

/** `GET /v1/physics/{twinType}`: what a scenario may change. */
export type PhysicsModel = PhysicsModelAnswer;

export type Crossing = TimedLimitCrossing;

/** A run's result as `GET /v1/simulations/{id}` answers it. */
export type SimulationResult = SimulationOutcome & { simulationId: string };

export interface ComparisonResult {
  comparisonId: string;
  base: SimulationResult;
  alternative: SimulationResult;
  comparison: ComparisonVerdict;
}

export interface SimulationJob {
  simulationId: string;
  kind: 'run' | 'compare';
  twinId: string;
  status: SimulationJobStatus;
  progress: SimulationProgress;
  error: { code: string; message: string } | null;
  result?: ComparisonResult;
}
