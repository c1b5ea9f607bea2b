import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PackedBatch } from './packed-batch';
import type {
  FetchJob,
  FetchThreadSettings,
  FromFetchThread,
  ToFetchThread,
} from './range-fetch.worker';

/**
 * A worker thread that fetches a replay's large streams (kafkajs' decoding of the protocol costs
 * about as much as decoding the events), so that fetching overlaps with decoding and folding on
 * this thread. It starts on its jobs at once, while this thread reads the smaller streams, and
 * keeps at most a few batches ahead of the reader.
 */
export class FetchThread {
  private readonly inbox: FromFetchThread[] = [];
  private wake: (() => void) | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromFetchThread) => this.deliver(message));
    worker.on('error', (error: Error) => this.deliver({ kind: 'failed', message: error.message }));
    worker.on('exit', (code: number) =>
      this.deliver({ kind: 'failed', message: `the fetch thread stopped (exit code ${code})` }),
    );
  }

  static start(settings: Omit<FetchThreadSettings, 'ahead'>): FetchThread {
    const workerData = { ...settings, ahead: 4 } satisfies FetchThreadSettings;
    const entry = join(__dirname, `range-fetch.worker${extname(__filename)}`);
    if (extname(entry) !== '.ts') return new FetchThread(new Worker(entry, { workerData }));
    // From source (tests, `npm start`) a small CommonJS file starts the thread's TypeScript with
    // Node's own type stripping: starting the project's loader there took a third of a second.
    const worker = new Worker(join(__dirname, 'boot-from-source.cjs'), {
      argv: [entry],
      workerData,
      execArgv: ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON'],
    });
    return new FetchThread(worker);
  }

  /**
   * Reads the next job's ranges: `onBatch` gets each partition's messages packed, in offset
   * order, and the next batch once it resolves. Returns the next offset to read per partition.
   */
  async read(onBatch: (batch: PackedBatch) => Promise<void>): Promise<Map<number, number>> {
    for (;;) {
      const message = await this.next();
      if (message.kind === 'done') return new Map(message.next);
      if (message.kind === 'failed') throw new Error(`Replay fetch failed: ${message.message}`);
      await onBatch(message.batch);
      this.send({ kind: 'taken' });
    }
  }

  async stop(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private deliver(message: FromFetchThread): void {
    this.inbox.push(message);
    this.wake?.();
  }

  private async next(): Promise<FromFetchThread> {
    while (this.inbox.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
    return this.inbox.shift()!;
  }

  private send(message: ToFetchThread): void {
    this.worker.postMessage(message);
  }
}

export type { FetchJob };
