// The fetch thread of a large Kafka replay: starts at once on its jobs (the replay's large
// streams, in order) with its own kafkajs client, posting every batch packed (packed-batch.ts)
// and waiting for the reader to take batches, so it never runs more than a few ahead. It fetches
// while the caller still reads the smaller streams; decoding and the handler stay there.
import { parentPort, workerData } from 'node:worker_threads';
import { Kafka, logLevel } from 'kafkajs';
import { readRange, type PartitionRange } from '../kafka-range-reader';
import { kafkaClientSecurity, type KafkaSecurity } from '../kafka-security';
import { packBatch, transferList } from './packed-batch';

export interface FetchThreadSettings {
  brokers: string[];
  clientId: string;
  /** The log's own SASL and TLS settings: this thread opens a client of its own. */
  security: KafkaSecurity;
  /** Batches posted and not yet taken before the fetch waits. */
  ahead: number;
  /** Read one after another; each ends with a 'done' message. */
  jobs: FetchJob[];
}

export interface FetchJob {
  topic: string;
  ranges: PartitionRange[];
  /** Messages recorded after this time end their partition's range (a replay's `until`). */
  untilMs: number;
}

export type ToFetchThread = { kind: 'taken' };

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
  ...kafkaClientSecurity(settings.security),
});
const admin = kafka.admin();
const connected = admin.connect();
let unacknowledged = 0;
let wake: (() => void) | undefined;

port.on('message', (_message: ToFetchThread) => {
  unacknowledged -= 1;
  wake?.();
});

async function fetchAll(): Promise<void> {
  for (const job of settings.jobs) await fetch(job);
}

fetchAll().catch((error: unknown) =>
  post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
);

function post(message: FromFetchThread, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function fetch(job: FetchJob): Promise<void> {
  await connected;
  const next = await readRange(
    kafka,
    admin,
    job.topic,
    job.ranges,
    async (partition, messages, heartbeat) => {
      let taken = 0;
      while (taken < messages.length && Number(messages[taken]!.timestamp) <= job.untilMs) taken++;
      if (taken > 0) {
        // The reader may take a while (a slow handler): keep the consumer's session alive meanwhile.
        while (unacknowledged >= settings.ahead) {
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, 1000);
          });
          await heartbeat();
        }
        const batch = packBatch(partition, messages.slice(0, taken));
        unacknowledged += 1;
        post({ kind: 'batch', batch }, transferList(batch));
      }
      return taken;
    },
  );
  post({ kind: 'done', next: [...next] });
}
