import type { StreamName } from '@twinlog/domain';
import { header } from './kafka-codec';
import { readMessagesAt, watermarks } from './kafka-range-reader';
import type { TopicNames } from './kafka-topics';
import { readMeta, type ValidityCheck } from './stream-index-validity';

/**
 * Why a running stream index no longer matches its log, or undefined (docs/adr/0011). The start
 * check compares the last message read; a running index may already have read on into a topic
 * recreated under it (its consumer kept its fetch offsets, which exist again once the new topic
 * holds as many messages), so this compares the oldest message it still holds per partition,
 * read before any recreation, and the cluster id. Costs one short read per held partition.
 */
export async function identityDrift(check: ValidityCheck): Promise<string | undefined> {
  const built = readMeta(check.db, 'cluster_id');
  const { clusterId } = await check.admin.describeCluster();
  if (built !== undefined && built !== clusterId)
    return `it was built from Kafka cluster ${built}, and the brokers now belong to cluster ${clusterId}`;
  for (const stream of check.streams) {
    const reason = await oldestDrift(check, stream);
    if (reason) return reason;
  }
  return undefined;
}

async function oldestDrift(check: ValidityCheck, stream: StreamName): Promise<string | undefined> {
  const topic = check.names.stream[stream];
  const marks = await watermarks(check.admin, topic);
  const oldest = check.db.prepare(
    'SELECT "offset", id FROM events WHERE stream = ? AND partition = ? AND "offset" >= ? ORDER BY "offset" LIMIT 1',
  );
  const expected = new Map<number, { offset: number; id: string }>();
  for (const m of marks) {
    const row = oldest.get(stream, m.partition, m.low);
    // Past the partition's end is the log behind the index, which each read checks.
    if (row && Number(row['offset']) < m.high)
      expected.set(m.partition, { offset: Number(row['offset']), id: String(row['id']) });
  }
  if (expected.size === 0) return undefined;
  const at = await readMessagesAt(
    check.kafka,
    check.admin,
    topic,
    new Map([...expected].map(([partition, { offset }]) => [partition, offset])),
  );
  for (const [partition, { offset, id }] of expected) {
    const message = at.get(partition);
    if (message && header(message.headers, 'event-id') !== id)
      return `${topic}/${partition} offset ${offset} now holds another event than the one indexed: the topic was recreated`;
  }
  return undefined;
}

/**
 * Why an index is ahead of the log, or undefined: past a partition's end, its topic was
 * recreated under it. The consumer cannot tell by itself: Kafka's reset after the out-of-range
 * offset brings nothing while the new partition is empty, and a consumer that kept its fetch
 * offsets through the deletion sees no jump back at all. Each read's watermarks show it (every
 * partition, not only the read's: one is enough to void the whole index). `held` are the
 * positions taken before the watermarks were read: the index only reads below a partition's
 * end, and that end only grows, so an index ahead of it then is ahead of the log (positions
 * taken after could include events appended and indexed since: a log that merely grew).
 */
export function aheadOfLog(
  names: TopicNames,
  marks: { stream: StreamName; marks: { partition: number; high: number }[] }[],
  held: (stream: StreamName, partition: number) => number,
): string | undefined {
  for (const { stream, marks: partitions } of marks) {
    const ahead = partitions.find((m) => held(stream, m.partition) > m.high);
    if (ahead)
      return `it claims ${names.stream[stream]}/${ahead.partition} up to offset ${held(stream, ahead.partition)}, beyond the partition's end (${ahead.high}): the topic was recreated`;
  }
  return undefined;
}
