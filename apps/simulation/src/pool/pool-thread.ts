import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SimulationProgress, SimulationResult } from '@twinlog/physics';
import type { RunTask } from './worker-messages';

/** A run handed to the pool: waiting for a thread, or computing on one. */
export interface Pending {
  task: RunTask;
  onProgress: (progress: SimulationProgress) => void;
  resolve: (result: SimulationResult) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

/** A worker thread of the pool and the run it computes, if any. */
export interface Thread {
  worker: Worker;
  ready: boolean;
  current: Pending | null;
  deadline: NodeJS.Timeout | undefined;
}

/**
 * The worker's entry: compiled JavaScript as is; from source (tests, `npm start`, the image)
 * through the project's own TypeScript loader, since the physics imports path aliases. Each
 * thread pays that start-up once (about half a second) when the pool starts or replaces it.
 */
export function startWorker(): Worker {
  const entry = join(__dirname, `simulation.worker${extname(__filename)}`);
  if (extname(entry) !== '.ts') return new Worker(entry);
  return new Worker(join(__dirname, 'boot-from-source.cjs'), { argv: [entry] });
}
