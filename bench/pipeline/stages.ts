import { randomUUID } from 'node:crypto';
import { InfluxDB } from '@influxdata/influxdb-client';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { fromMessage } from '../../libs/event-log/src/kafka/kafka-codec';

/** Where each stage's count is read: the services' own counters, Kafka and InfluxDB. */
export interface StageEndpoints {
  twinState: string;
  anomaly: string[];
  maintenance: string;
  apiKey?: string;
  brokers: string[];
  topicPrefix: string;
  influx: { url: string; token: string; org: string; bucket: string };
  /** The run's own site: its points are told apart from any other run's in a shared bucket. */
  site: string;
  twinType: string;
}

export const telemetryTopic = (e: StageEndpoints) => `${e.topicPrefix}telemetry`;

async function getJson<T>(url: string, apiKey?: string): Promise<T> {
  const answer = await fetch(url, {
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
  });
  if (!answer.ok) throw new Error(`GET ${url}: HTTP ${answer.status}`);
  return (await answer.json()) as T;
}

/** Readings folded into twin state since twin-state started (its /health/ready details). */
export async function readingsFolded(e: StageEndpoints): Promise<number> {
  return (await getJson<{ readingsFolded: number }>(`${e.twinState}/health/ready`)).readingsFolded;
}

/** Readings judged by the anomaly workers, summed over the group's members. */
export async function readingsJudged(e: StageEndpoints): Promise<number> {
  const answers = await Promise.all(
    e.anomaly.map((w) => getJson<{ readingsJudged: number }>(`${w}/v1/worker`, e.apiKey)),
  );
  return answers.reduce((s, a) => s + a.readingsJudged, 0);
}

/** Readings the maintenance worker fed its models. */
export async function readingsSeenByMaintenance(e: StageEndpoints): Promise<number> {
  return (await getJson<{ readingsSeen: number }>(`${e.maintenance}/v1/worker`, e.apiKey))
    .readingsSeen;
}

/** Points of the run's site in InfluxDB: what a query can see now. */
export async function pointsInInflux(e: StageEndpoints, fromMs: number): Promise<number> {
  const api = new InfluxDB({
    url: e.influx.url,
    token: e.influx.token,
    timeout: 120_000,
  }).getQueryApi(e.influx.org);
  const q = `from(bucket: ${JSON.stringify(e.influx.bucket)})
  |> range(start: ${new Date(fromMs - 60_000).toISOString()}, stop: ${new Date(Date.now() + 3_600_000).toISOString()})
  |> filter(fn: (r) => r._measurement == ${JSON.stringify(e.twinType)} and r.site == ${JSON.stringify(e.site)} and r._field == "value")
  |> group()
  |> count()`;
  const rows = await api.collectRows<{ _value: number }>(q);
  return rows.reduce((s, r) => s + Number(r._value), 0);
}

/** Messages of a consumer group still to read on a topic (its committed offsets). */
export async function groupLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [ends, [committed]] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const at = new Map(committed!.partitions.map((p) => [p.partition, Number(p.offset)]));
  return ends.reduce((s, p) => s + Number(p.high) - Math.max(0, at.get(p.partition) ?? 0), 0);
}

export interface CapturedMessage {
  partition: number;
  key: Buffer | null;
  value: Buffer;
  readings: number;
}

/**
 * Reads the telemetry topic from its start to its end and counts the readings its events hold;
 * keeps up to `keep` bytes of its messages, as they are, for the raw baseline to send again.
 */
export async function readingsInTopic(
  e: StageEndpoints,
  keep: number,
): Promise<{ readings: number; messages: number; captured: CapturedMessage[] }> {
  const topic = telemetryTopic(e);
  const kafka = new Kafka({ brokers: e.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]),
  );
  await admin.disconnect();
  const groupId = `bench-pipeline-count-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 8 * 1024 * 1024 });
  let readings = 0;
  let messages = 0;
  let kept = 0;
  const captured: CapturedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const open = new Set([...ends].filter(([, end]) => end > 0).map(([p]) => p));
    if (open.size === 0) resolve();
    void consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            messages += 1;
            const { event } = fromMessage('telemetry', batch.partition, m);
            const n = event.type === 'TelemetryReported' ? event.data.readings.length : 0;
            readings += n;
            if (m.value && kept + m.value.length <= keep) {
              kept += m.value.length;
              captured.push({
                partition: batch.partition,
                key: m.key,
                value: m.value,
                readings: n,
              });
            }
          }
          if (Number(batch.lastOffset()) + 1 >= ends.get(batch.partition)!)
            open.delete(batch.partition);
          if (open.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return { readings, messages, captured };
}
