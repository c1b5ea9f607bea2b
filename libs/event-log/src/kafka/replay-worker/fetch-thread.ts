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
 * A worker thread that fetches a replay's offset ranges (kafkajs' decoding of the protocol costs
 * about as much as decoding the events), so that fetching overlaps with decoding and folding on
 * this thread. Started before it is needed, it is connected by the time the first large stream
 * is read.
 */
export class FetchThread {
  private constructor(private readonly worker: Worker) {}

  static start(settings: Omit<FetchThreadSettings, 'ahead'>): FetchThread {
    // From source (tests, `npm start`) the worker is TypeScript and needs the same loader.
    const extension = extname(__filename);
    const worker = new Worker(join(__dirname, `range-fetch.worker${extension}`), {
      workerData: { ...settings, ahead: 4 } satisfies FetchThreadSettings,
      execArgv: extension === '.ts' ? ['-r', '@swc-node/register'] : [],
    });
    return new FetchThread(worker);
  }

  /**
   * Reads the ranges like readRange; `onBatch` gets each partition's messages packed, in offset
   * order, and the next batch once it resolves. Returns the next offset to read per partition.
   */
  read(
    job: FetchJob,
    onBatch: (batch: PackedBatch) => Promise<void>,
  ): Promise<Map<number, number>> {
    return new Promise<Map<number, number>>((resolve, reject) => {
      let chain = Promise.resolve();
      const onError = (error: Error) => finish(() => reject(error));
      const onExit = (code: number) =>
        finish(() => reject(new Error(`The replay's fetch thread stopped (exit code ${code})`)));
      const onMessage = (message: FromFetchThread) => {
        // Batches are handled one after another, in the order they came.
        chain = chain
          .then(async () => {
            if (message.kind === 'batch') {
              await onBatch(message.batch);
              this.send({ kind: 'taken' });
            } else if (message.kind === 'done') finish(() => resolve(new Map(message.next)));
            else finish(() => reject(new Error(`Replay fetch failed: ${message.message}`)));
          })
          .catch((error: unknown) => finish(() => reject(error)));
      };
      const finish = (settle: () => void) => {
        this.worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        settle();
      };
      this.worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      this.send({ kind: 'job', job });
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }

  private send(message: ToFetchThread): void {
    this.worker.postMessage(message);
  }
}
