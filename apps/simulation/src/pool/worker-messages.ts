import type {
  RunOptions,
  Scenario,
  SimulationProgress,
  SimulationResult,
  SimulationSubject,
} from '@twinlog/physics';

/** One run for a worker thread: everything it needs, as plain data. */
export interface RunTask {
  subject: SimulationSubject;
  scenario: Scenario;
  options: RunOptions;
}

/** A TwinlogError as it crosses the thread boundary (classes do not survive the copy). */
export interface CarriedError {
  twinlog: boolean;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'progress'; progress: SimulationProgress }
  | { kind: 'done'; result: SimulationResult }
  | { kind: 'failed'; error: CarriedError };
