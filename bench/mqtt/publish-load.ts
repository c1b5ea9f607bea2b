import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadShape } from './load-shape';
import type { PublishJob } from './mqtt-publish.worker';
import { tsRunner } from '@twinlog/testing';

export interface LoadSettings {
  url: string;
  messages: number;
  threads: number;
  connections: number;
  /** Messages per second in all, or 0 for as fast as the broker acknowledges. */
  rate: number;
  window: number;
}

export interface RunningLoad {
  /** Epoch ms of the first publish (the earliest worker's start). */
  startedAt: number;
  /** Messages the broker acknowledged (PUBACK) so far. */
  acked(): number;
  /** Epoch ms when the last worker had all its messages acknowledged, 0 while publishing. */
  finishedAt(): number;
  /** Rejects if a publisher fails. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** Starts the publisher worker threads, each with its share of messages and connections. */
export async function startLoad(shape: LoadShape, settings: LoadSettings): Promise<RunningLoad> {
  const threads = Math.min(settings.threads, settings.connections);
  let acked = 0;
  let finished = 0;
  const starts: Array<Promise<number>> = [];
  const workers: Worker[] = [];
  const ends: Array<Promise<void>> = [];
  for (let t = 0; t < threads; t++) {
    const job: PublishJob = {
      url: settings.url,
      shape,
      from: Math.floor((settings.messages * t) / threads),
      to: Math.floor((settings.messages * (t + 1)) / threads),
      connections: Math.ceil(settings.connections / threads),
      rate: settings.rate / threads,
      window: settings.window,
    };
    const worker = new Worker(join(__dirname, 'mqtt-publish.worker.ts'), {
      execArgv: tsRunner(),
      workerData: job,
    });
    workers.push(worker);
    starts.push(
      new Promise((resolve) =>
        worker.once('message', (m: { started: number }) => resolve(m.started)),
      ),
    );
    ends.push(
      new Promise((resolve, reject) => {
        worker.on(
          'message',
          (m: { acked?: number; finished?: number; done?: boolean; error?: string }) => {
            if (m.acked) acked += m.acked;
            if (m.finished) finished = Math.max(finished, m.finished);
            if (m.error) reject(new Error(`publisher: ${m.error}`));
            if (m.done) resolve();
          },
        );
        worker.on('error', reject);
      }),
    );
  }
  const startedAt = Math.min(...(await Promise.all(starts)));
  const done = Promise.all(ends).then(() => undefined);
  done.catch(() => undefined);
  return {
    startedAt,
    acked: () => acked,
    finishedAt: () => (acked >= settings.messages ? finished : 0),
    done,
    stop: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
