import type { DatabaseSync } from 'node:sqlite';
import type { StreamName } from '@twinlog/domain';

/** The embedded log keeps Kafka's coordinates with one partition per stream. */
export const PARTITION = 0;

/** The offset the next event of a stream gets (the stream's length). */
export function streamEnd(db: DatabaseSync, stream: StreamName): number {
  const row = db
    .prepare('SELECT MAX("offset") AS last FROM events WHERE stream = ? AND partition = ?')
    .get(stream, PARTITION);
  return row?.['last'] === null || row?.['last'] === undefined ? 0 : Number(row['last']) + 1;
}
