import type { Limits, SimulationOutcome, SimulationProgress, TwinModel } from '@twinlog/domain';
import type { CalibrationGroupReport } from '../model/physics-model';
import type { Perturbation } from '../scenario/scenario';
import type { Recommendation } from '../simulate/recommendations';
import type { MonteCarloOutcome } from '../uncertainty/monte-carlo';
import type { StartValueReport } from './start-values';

/** Everything a run needs about the twin, gathered by the caller (pure: no I/O here). */
export interface SimulationSubject {
  twinId: string;
  twinModel: TwinModel;
  /** The twin's own limits at the start (as registered or changed since). */
  limits: Record<string, Limits>;
  /** Per property, the latest maintenance that reset it: older readings belong to the old part. */
  resetAt: Record<string, string>;
  /** Readings up to the start: the calibration window and the latest of each property. */
  readings: ReadonlyArray<{ property: string; time: string; value: number }>;
  /** The (event) time the run starts from. */
  startAt: string;
}

export type { SimulationProgress };

/** A run's full result: libs/domain's SimulationOutcome (what the dashboard reads) and the rest. */
export interface SimulationResult extends SimulationOutcome {
  twinType: string;
  perturbations: Perturbation[];
  model: { description: string; states: string[]; inputs: string[]; outputs: string[] };
  start: Record<string, StartValueReport>;
  parameters: Record<
    string,
    {
      value: number;
      stdErr: number | null;
      source: 'fitted' | 'declared' | 'derived';
      unit: string;
    }
  >;
  calibration: { from: string; to: string; groups: CalibrationGroupReport[] };
  recommendations: Recommendation[];
  uncertainty: MonteCarloOutcome | null;
  integration: {
    method: string;
    relativeTolerance: number;
    evaluations: number;
    rejectedSteps: number;
  };
}

export interface RunOptions {
  /** Integration steps the whole run may take (see StepBudget); unlimited when absent. */
  maxIntegratorSteps?: number;
}
