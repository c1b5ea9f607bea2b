// One lane of the load generator (HTTP or MQTT), in a worker thread so that building and
// sending readings does not run on the measuring event loop. Sends until told to stop, paced
// to a rate or as fast as ingestion (HTTP) or the broker (MQTT) acknowledges, and reports the
// readings acknowledged: HTTP 200 with their acceptance counted, MQTT QoS 1 PUBACK.
import { parentPort, workerData } from 'node:worker_threads';
import { connectAsync, type MqttClient } from 'mqtt';
import { httpBatch, mqttMessage, type Lane, type PlantShape } from './plant-load';

export interface LaneJob {
  lane: Lane;
  shape: PlantShape;
  /** The lane's machines. */
  twins: string[];
  /** Ingestion's URL (HTTP) or the broker's (MQTT). */
  url: string;
  apiKey?: string;
  /** Readings per second for this lane, 0 for as fast as it goes. */
  rate: number;
  connections: number;
  /** Readings per HTTP batch, or per MQTT message. */
  batch: number;
  twinsPerBatch: number;
  /** QoS 1 publishes in flight per MQTT connection. */
  window: number;
}

export interface LaneReport {
  acked: number;
  rejected: number;
  retries: number;
  firstError?: string;
  done?: boolean;
  failed?: string;
}

const job = workerData as LaneJob;
let stopping = false;
const report: LaneReport = { acked: 0, rejected: 0, retries: 0 };
parentPort!.on('message', (m: string) => {
  if (m === 'stop') stopping = true;
});

let next = 0;
const started = Date.now();
/** Claims the next unit (batch or message) once the pace allows; undefined when stopping. */
async function claim(): Promise<number | undefined> {
  for (;;) {
    if (stopping) return undefined;
    const due = job.rate > 0 ? ((Date.now() - started) / 1000) * (job.rate / job.batch) : Infinity;
    if (next < due) return next++;
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function httpSender(): Promise<void> {
  for (let b = await claim(); b !== undefined; b = await claim()) {
    const body = JSON.stringify(httpBatch(job.shape, job.twins, b, job.batch, job.twinsPerBatch));
    // An obedient client: a batch refused as a whole (503, a dropped connection) is sent again;
    // ingestion answers readings it already holds as duplicates, so they count once.
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await fetch(`${job.url}/v1/readings`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(job.apiKey ? { authorization: `Bearer ${job.apiKey}` } : {}),
          },
          body,
        });
        const text = await answer.text();
        if (answer.status === 200) {
          const r = JSON.parse(text) as { accepted: number; duplicates: number; rejected: number };
          report.acked += r.accepted + r.duplicates;
          report.rejected += r.rejected;
          if (r.rejected > 0) report.firstError ??= text.slice(0, 300);
          break;
        }
        report.firstError ??= `HTTP ${answer.status}: ${text.slice(0, 300)}`;
      } catch (error) {
        report.firstError ??= (error as Error).message;
      }
      if (attempt >= 10) throw new Error(`a batch failed 10 times: ${report.firstError}`);
      report.retries += 1;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

async function mqttSender(client: MqttClient): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  for (let m = await claim(); m !== undefined; m = await claim()) {
    const { topic, payload } = mqttMessage(job.shape, job.twins, m, job.batch);
    const sent = client.publishAsync(topic, payload, { qos: 1 }).then(() => {
      report.acked += job.batch;
      inFlight.delete(sent);
    });
    inFlight.add(sent);
    if (inFlight.size >= job.window) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

async function run(): Promise<void> {
  const timer = setInterval(() => parentPort!.postMessage({ ...report }), 250);
  try {
    if (job.lane === 'http') {
      await Promise.all(Array.from({ length: job.connections }, () => httpSender()));
    } else {
      const clients = await Promise.all(
        Array.from({ length: job.connections }, () =>
          connectAsync(job.url, { protocolVersion: 5, clean: true, reconnectPeriod: 0 }),
        ),
      );
      await Promise.all(clients.map((c) => mqttSender(c)));
      await Promise.all(clients.map((c) => c.endAsync()));
    }
  } finally {
    clearInterval(timer);
  }
}

run().then(
  () => parentPort!.postMessage({ ...report, done: true }),
  (error: unknown) => parentPort!.postMessage({ ...report, failed: (error as Error).message }),
);
