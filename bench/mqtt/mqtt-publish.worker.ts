// The MQTT load generator of the MQTT ingestion benchmark, in a worker thread so that building
// and encoding messages does not share an event loop with the counting. Each connection keeps
// a window of QoS 1 publishes open; with a rate it paces them (open loop), otherwise it sends
// as fast as the broker acknowledges.
import { parentPort, workerData } from 'node:worker_threads';
import { connectAsync, type MqttClient } from 'mqtt';
import { readingsOfMessage, type LoadShape } from './load-shape';

export interface PublishJob {
  url: string;
  shape: LoadShape;
  /** Messages [from, to) of the run are this worker's. */
  from: number;
  to: number;
  connections: number;
  /** Messages per second for this worker, or 0 for as fast as possible. */
  rate: number;
  window: number;
}

const REPORT_MS = 100;

async function run(job: PublishJob): Promise<void> {
  const clients = await Promise.all(
    Array.from({ length: job.connections }, () =>
      connectAsync(job.url, { protocolVersion: 5, clean: true, reconnectPeriod: 0 }),
    ),
  );
  let next = job.from;
  let acked = 0;
  let reported = 0;
  const started = Date.now();
  parentPort!.postMessage({ started });
  const timer = setInterval(() => {
    parentPort!.postMessage({ acked: acked - reported });
    reported = acked;
  }, REPORT_MS);
  const due = () =>
    job.rate > 0 ? job.from + Math.floor(((Date.now() - started) / 1000) * job.rate) : job.to;
  await Promise.all(
    clients.map(async (client) => {
      const inFlight = new Set<Promise<void>>();
      while (next < job.to) {
        if (next >= due()) {
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        const n = next++;
        const sent = publish(client, job.shape, n).then(() => {
          acked += 1;
          inFlight.delete(sent);
        });
        inFlight.add(sent);
        if (inFlight.size >= job.window) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    }),
  );
  clearInterval(timer);
  parentPort!.postMessage({ acked: acked - reported, finished: Date.now() });
  await Promise.all(clients.map((c) => c.endAsync()));
}

function publish(client: MqttClient, shape: LoadShape, n: number): Promise<void> {
  const { topic, payload } = readingsOfMessage(shape, n);
  return new Promise((resolve, reject) =>
    client.publish(topic, payload, { qos: 1 }, (error) => (error ? reject(error) : resolve())),
  );
}

run(workerData as PublishJob).then(
  () => parentPort!.postMessage({ done: true }),
  (error: unknown) => parentPort!.postMessage({ error: (error as Error).message }),
);
