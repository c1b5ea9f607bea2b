// The fetch thread of a large Kafka replay: connects as soon as it starts, then reads the offset
// ranges of each job it is sent with its own kafkajs client, posting every batch packed
// (packed-batch.ts) and waiting for the reader to take batches, so it never runs more than a few
// ahead. Decoding and the caller's handler stay on the caller's thread.
import { parentPort, workerData } from 'node:worker_threads';
import { Kafka, logLevel } from 'kafkajs';
import { readRange, type PartitionRange } from '../kafka-range-reader';
import { packBatch, transferList } from './packed-batch';

export interface FetchThreadSettings {
  brokers: string[];
  clientId: string;
  /** Batches posted and not yet taken before the fetch waits. */
  ahead: number;
}

export interface FetchJob {
  topic: string;
  ranges: PartitionRange[];
  /** Messages recorded after this time end their partition's range (a replay's `until`). */
  untilMs: number;
}

export type ToFetchThread = { kind: 'job'; job: FetchJob } | { kind: 'taken' };

export type FromFetchThread =
  | { kind: 'batch'; batch: ReturnType<typeof packBatch> }
  | { kind: 'done'; next: Array<[number, number]> }
  | { kind: 'failed'; message: string };

const settings = workerData as FetchThreadSettings;
const port = parentPort!;
const kafka = new Kafka({
  clientId: settings.clientId,
  brokers: settings.brokers,
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
const connected = admin.connect();
let unacknowledged = 0;
let wake: (() => void) | undefined;

port.on('message', (message: ToFetchThread) => {
  if (message.kind === 'taken') {
    unacknowledged -= 1;
    wake?.();
    return;
  }
  fetch(message.job).catch((error: unknown) =>
    post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
  );
});

function post(message: FromFetchThread, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function fetch(job: FetchJob): Promise<void> {
  await connected;
  const next = await readRange(kafka, admin, job.topic, job.ranges, async (partition, messages) => {
    let taken = 0;
    while (taken < messages.length && Number(messages[taken]!.timestamp) <= job.untilMs) taken++;
    if (taken > 0) {
      while (unacknowledged >= settings.ahead) await new Promise<void>((r) => (wake = r));
      const batch = packBatch(partition, messages.slice(0, taken));
      unacknowledged += 1;
      post({ kind: 'batch', batch }, transferList(batch));
    }
    return taken;
  });
  post({ kind: 'done', next: [...next] });
}
