import type { DatabaseSync } from 'node:sqlite';

/**
 * A twin's current revision on the twin-events stream in a log database (the embedded log, or
 * the Kafka adapter's local index): its last event's offset + 1, or 0 when it has none.
 */
export function twinRevision(db: DatabaseSync, twinId: string): number {
  const row = db
    .prepare(
      `SELECT MAX("offset") AS last FROM events WHERE twin_id = ? AND stream = 'twin-events'`,
    )
    .get(twinId);
  return row?.['last'] === null || row?.['last'] === undefined ? 0 : Number(row['last']) + 1;
}
