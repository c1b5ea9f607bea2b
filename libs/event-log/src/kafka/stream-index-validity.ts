import { createHash } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import type { StreamName } from '@twinlog/domain';
import { readMessagesAt, watermarks } from './kafka-range-reader';
import type { TopicNames } from './kafka-topics';

/**
 * What ties a stream index file to the log it caches (docs/adr/0011). kafkajs 2.2.4 speaks
 * Metadata v6 and exposes no topic ids, so a topic's identity is checked by its contents: the
 * index keeps, per partition, a digest of the last message it read, and on start that message
 * must still be at that offset. A recreated topic, a restored cluster or another cluster fails
 * the check (event ids are random UUIDs), as does an index claiming offsets past a partition's end.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS index_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS index_fingerprints (
  stream TEXT NOT NULL,
  partition INTEGER NOT NULL,
  "offset" INTEGER NOT NULL,
  digest TEXT NOT NULL,
  PRIMARY KEY (stream, partition)
);
`;

export function prepareValiditySchema(db: DatabaseSync): void {
  db.exec(SCHEMA);
}

export function digestOf(message: KafkaMessage): string {
  return createHash('sha1')
    .update(message.value ?? Buffer.alloc(0))
    .digest('base64url');
}

export function readMeta(db: DatabaseSync, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM index_meta WHERE key = ?').get(key);
  return row === undefined ? undefined : String(row['value']);
}

export function writeMeta(db: DatabaseSync, key: string, value: string): void {
  db.prepare(
    'INSERT INTO index_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}

/** Remembers the last message read from a partition (inside the ingesting transaction). */
export function recordFingerprint(
  db: DatabaseSync,
  stream: StreamName,
  partition: number,
  message: KafkaMessage,
): void {
  db.prepare(
    `INSERT INTO index_fingerprints (stream, partition, "offset", digest) VALUES (?, ?, ?, ?)
     ON CONFLICT (stream, partition) DO UPDATE SET "offset" = excluded."offset", digest = excluded.digest`,
  ).run(stream, partition, Number(message.offset), digestOf(message));
}

export interface ValidityCheck {
  db: DatabaseSync;
  kafka: Kafka;
  admin: Admin;
  names: TopicNames;
  streams: readonly StreamName[];
  /** The next offset the index would read in a partition (0 for one it never read). */
  position(stream: StreamName, partition: number): number;
}

/** Why the index cannot be trusted for this log, or undefined when it can. */
export async function staleness(check: ValidityCheck): Promise<string | undefined> {
  const { db, admin } = check;
  const voided = readMeta(db, 'voided');
  if (voided) return voided;
  const { clusterId } = await admin.describeCluster();
  const built = readMeta(db, 'cluster_id');
  if (built !== undefined && built !== clusterId)
    return `it was built from Kafka cluster ${built}, and the brokers now belong to cluster ${clusterId}`;
  const reasons = await Promise.all(check.streams.map((stream) => streamStaleness(check, stream)));
  return reasons.find((r) => r !== undefined);
}

async function streamStaleness(
  check: ValidityCheck,
  stream: StreamName,
): Promise<string | undefined> {
  const topic = check.names.stream[stream];
  const marks = await watermarks(check.admin, topic);
  const held = check.db
    .prepare('SELECT partition FROM consumer_offsets WHERE stream = ? AND next_offset > 0')
    .all(stream)
    .map((r) => Number(r['partition']));
  const extra = held.find((p) => !marks.some((m) => m.partition === p));
  if (extra !== undefined)
    return `it holds ${topic} partition ${extra}, which the topic no longer has`;
  const ahead = marks.find((m) => check.position(stream, m.partition) > m.high);
  if (ahead)
    return `it claims ${topic}/${ahead.partition} up to offset ${check.position(stream, ahead.partition)}, beyond the partition's end (${ahead.high})`;
  const expected = new Map<number, { offset: number; digest: string }>();
  for (const m of marks) {
    if (check.position(stream, m.partition) === 0) continue;
    const row = check.db
      .prepare('SELECT "offset", digest FROM index_fingerprints WHERE stream = ? AND partition = ?')
      .get(stream, m.partition);
    if (!row) {
      // Passed transaction markers only (an aborted append): no message of it to compare.
      const holdsEvents = check.db
        .prepare('SELECT 1 FROM events WHERE stream = ? AND partition = ? LIMIT 1')
        .get(stream, m.partition);
      if (!holdsEvents) continue;
      return `it has no fingerprint of ${topic}/${m.partition} (an index from before fingerprints)`;
    }
    const offset = Number(row['offset']);
    if (offset < m.low)
      return `${topic}/${m.partition} no longer holds offset ${offset}, the last one it read`;
    expected.set(m.partition, { offset, digest: String(row['digest']) });
  }
  if (expected.size === 0) return undefined;
  const at = await readMessagesAt(
    check.kafka,
    check.admin,
    topic,
    new Map([...expected].map(([partition, { offset }]) => [partition, offset])),
  );
  for (const [partition, { offset, digest }] of expected) {
    const message = at.get(partition);
    if (!message || digestOf(message) !== digest)
      return `the message at ${topic}/${partition} offset ${offset} is not the one it read there: the topic was recreated or the cluster restored`;
  }
  return undefined;
}
