import { InfluxDB } from '@influxdata/influxdb-client';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaEventLog } from '@twinlog/event-log';
import { readingIdCounts, type InfluxSettings } from '@twinlog/testing';

/** Every reading id in the log's telemetry stream, with how often it appears. */
export async function readingIdsInLog(
  brokers: string[],
  topicPrefix: string,
): Promise<Map<string, number>> {
  const log = await KafkaEventLog.connect({
    brokers,
    topicPrefix,
    partitions: 3,
    clientLogLevel: 'nothing',
  });
  try {
    return await readingIdCounts(log);
  } finally {
    await log.close();
  }
}

/** Points in InfluxDB per `twinId/property` (each point is one reading time of one series). */
export async function pointsInInflux(settings: InfluxSettings): Promise<Map<string, number>> {
  const rows = await new InfluxDB({ url: settings.url, token: settings.token, timeout: 20_000 })
    .getQueryApi(settings.org)
    .collectRows<{ twin_id: string; property: string; _value: number }>(
      `from(bucket: "${settings.bucket}")
       |> range(start: 0)
       |> filter(fn: (r) => r._field == "value")
       |> group(columns: ["twin_id", "property"])
       |> count()`,
    );
  return new Map(rows.map((r) => [`${r.twin_id}/${r.property}`, Number(r._value)]));
}

/** A twin's reported values as twin-state answers them. */
export async function reportedBy(
  twinStateUrl: string,
  twinId: string,
): Promise<Record<string, { value: number; occurredAt: string }>> {
  const answer = await fetch(`${twinStateUrl}/v1/twins/${twinId}`);
  if (!answer.ok) throw new Error(`GET /v1/twins/${twinId}: HTTP ${answer.status}`);
  return (
    (await answer.json()) as { reported: Record<string, { value: number; occurredAt: string }> }
  ).reported;
}

/**
 * Whether each consumer group has committed the telemetry stream to its end: the services
 * append what a batch yields before committing it, so then their output is complete.
 */
export async function groupsCaughtUp(
  brokers: string[],
  topicPrefix: string,
  groups: readonly string[],
): Promise<boolean> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topic = `${topicPrefix}telemetry`;
    const ends = new Map(
      (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]),
    );
    for (const group of groups) {
      const [committed] = await admin.fetchOffsets({
        groupId: `${topicPrefix}${group}`,
        topics: [topic],
      });
      for (const { partition, offset } of committed?.partitions ?? []) {
        const end = ends.get(partition) ?? 0;
        // An empty partition has nothing to commit (its offset stays -1).
        if (end > 0 && Number(offset) < end) return false;
      }
    }
    return true;
  } finally {
    await admin.disconnect();
  }
}
