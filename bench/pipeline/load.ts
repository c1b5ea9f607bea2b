import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LaneJob, LaneReport } from './load.worker';
import type { Lane } from './plant-load';
import { tsRunner } from '@twinlog/testing';

export interface RunningLoad {
  /** The latest report of each lane. */
  reports(): Record<Lane, LaneReport>;
  acked(): number;
  /** Tells the lanes to stop; resolves with their last reports once all is acknowledged. */
  stop(): Promise<Record<Lane, LaneReport>>;
  /** Rejects when a lane fails. */
  failed: Promise<never>;
}

/** Starts one worker thread per lane. */
export function startLoad(jobs: LaneJob[]): RunningLoad {
  const latest = {} as Record<Lane, LaneReport>;
  const workers: Worker[] = [];
  const ends: Array<Promise<void>> = [];
  let fail: (e: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  for (const job of jobs) {
    latest[job.lane] = { acked: 0, rejected: 0, retries: 0 };
    const worker = new Worker(join(__dirname, 'load.worker.ts'), {
      execArgv: tsRunner(),
      workerData: job,
    });
    workers.push(worker);
    ends.push(
      new Promise((resolve) => {
        worker.on('message', (m: LaneReport) => {
          latest[job.lane] = m;
          if (m.failed) fail(new Error(`${job.lane} load: ${m.failed}`));
          if (m.done || m.failed) resolve();
        });
        worker.on('error', (e: Error) => {
          fail(e);
          resolve();
        });
      }),
    );
  }
  return {
    reports: () => latest,
    acked: () => Object.values(latest).reduce((s, r) => s + r.acked, 0),
    failed,
    stop: async () => {
      for (const w of workers) w.postMessage('stop');
      await Promise.all(ends);
      await Promise.all(workers.map((w) => w.terminate()));
      return latest;
    },
  };
}
