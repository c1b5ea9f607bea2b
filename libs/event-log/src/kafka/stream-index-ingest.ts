import type { DatabaseSync } from 'node:sqlite';
import type { KafkaMessage } from 'kafkajs';
import type { StreamName } from '@twinlog/domain';
import { inTransaction, prepareEventInsert, prepareRowInsert } from '../sqlite-index/sqlite-schema';
import { fromMessage, header, indexFieldsOf, storedBodyOf } from './kafka-codec';
import { recordFingerprint } from './stream-index-validity';

/** The consumer group under which the index keeps its positions in its own file. */
const INDEX_GROUP = '__stream_index__';

/** The next offset the index would read in a partition (0 for one it never read). */
export function indexPosition(db: DatabaseSync, stream: StreamName, partition: number): number {
  const row = db
    .prepare(
      'SELECT next_offset FROM consumer_offsets WHERE group_id = ? AND stream = ? AND partition = ?',
    )
    .get(INDEX_GROUP, stream, partition);
  return Number(row?.['next_offset'] ?? 0);
}

/** Every partition's position now, read at once (0 for a partition never read). */
export function indexPositions(
  db: DatabaseSync,
): (stream: StreamName, partition: number) => number {
  const rows = db
    .prepare('SELECT stream, partition, next_offset FROM consumer_offsets WHERE group_id = ?')
    .all(INDEX_GROUP);
  const held = new Map(
    rows.map((r) => [`${r['stream']}/${r['partition']}`, Number(r['next_offset'])]),
  );
  return (stream, partition) => held.get(`${stream}/${partition}`) ?? 0;
}

/**
 * A batch that starts before where the index is: either the consumer re-reading after it
 * rejoined (the same events again: skipped), or Kafka's reset to the earliest offset after the
 * index's offset went out of range, because the topic was recreated under it (other events at
 * the same offsets: the offset that differs is returned, and the index is void).
 */
export function freshMessages(
  db: DatabaseSync,
  stream: StreamName,
  partition: number,
  messages: KafkaMessage[],
): { fresh: KafkaMessage[] } | { replacedAt: string } {
  const position = indexPosition(db, stream, partition);
  if (messages.length === 0 || Number(messages[0]!.offset) >= position) return { fresh: messages };
  const heldAt = db.prepare(
    'SELECT id FROM events WHERE stream = ? AND partition = ? AND "offset" = ?',
  );
  for (const message of messages) {
    if (Number(message.offset) >= position) break;
    const held = heldAt.get(stream, partition, Number(message.offset))?.['id'];
    const id = header(message.headers, 'event-id');
    if (held !== undefined && id !== undefined && String(held) !== id)
      return { replacedAt: message.offset };
  }
  return { fresh: messages.filter((m) => Number(m.offset) >= position) };
}

/**
 * Writes a partition's new messages to the index in one transaction, with the position after
 * them (`next`: past a trailing transaction marker too) and the last one's fingerprint.
 * Undecodable messages are skipped here; subscribers dead-letter them.
 */
export function indexMessages(
  db: DatabaseSync,
  stream: StreamName,
  partition: number,
  messages: KafkaMessage[],
  next: number,
): void {
  const last = messages[messages.length - 1];
  const after = Math.max(next, last ? Number(last.offset) + 1 : 0);
  if (after <= indexPosition(db, stream, partition)) return;
  const insert = prepareEventInsert(db, true);
  const insertRow = prepareRowInsert(db, true);
  inTransaction(db, () => {
    for (const message of messages) {
      const position = { stream, partition, offset: Number(message.offset) };
      const body = storedBodyOf(message);
      // Fast path: the headers say all the index needs; the body is validated when read.
      const fields = indexFieldsOf(message);
      if (fields) {
        insertRow(position, fields, body);
        continue;
      }
      let recorded;
      try {
        recorded = fromMessage(stream, partition, message);
      } catch {
        continue;
      }
      insert(position, recorded.event, body);
    }
    db.prepare(
      `INSERT INTO consumer_offsets (group_id, stream, partition, next_offset) VALUES (?, ?, ?, ?)
       ON CONFLICT (group_id, stream, partition) DO UPDATE SET next_offset = excluded.next_offset`,
    ).run(INDEX_GROUP, stream, partition, after);
    if (last) recordFingerprint(db, stream, partition, last);
  });
}
