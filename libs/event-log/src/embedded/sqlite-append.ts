import type { DatabaseSync } from 'node:sqlite';
import { TwinlogError, type NewEvent, type StreamName } from '@twinlog/domain';
import type { AppendOptions, AppendResult } from '../event-log.port';
import { encodeEventAs, validateNewEvent } from '../shared/event-codec';
import { inTransaction, prepareEventInsert } from '../sqlite-index/sqlite-schema';
import { twinRevision } from '../sqlite-index/twin-revision';
import { PARTITION, streamEnd } from './single-partition';

/**
 * Appends to the embedded log in one transaction: the expected revision checked, events whose
 * id the log (or this append) already holds reported as duplicates, the others given the next
 * offsets of their streams.
 */
export function appendToLog(
  db: DatabaseSync,
  events: NewEvent[],
  options: AppendOptions,
): AppendResult {
  const validated = events.map(validateNewEvent);
  return inTransaction(db, () => {
    checkExpectedRevision(db, options);
    const exists = db.prepare('SELECT 1 FROM events WHERE id = ?');
    const insert = prepareEventInsert(db, false);
    const next = new Map<StreamName, number>();
    const appended: AppendResult['appended'] = [];
    const duplicates: string[] = [];
    const batchIds = new Set<string>();
    for (const { event, stream } of validated) {
      if (batchIds.has(event.id) || exists.get(event.id)) {
        duplicates.push(event.id);
        continue;
      }
      batchIds.add(event.id);
      const offset = next.get(stream) ?? streamEnd(db, stream);
      next.set(stream, offset + 1);
      // Telemetry in the compact form (a BLOB): a fifth of JSON's bytes (docs/adr/0024). The file
      // is not an integration point, and readers take both forms, so older files read as before.
      insert({ stream, partition: PARTITION, offset }, event, encodeEventAs(event, 'compact-v2'));
      appended.push({ id: event.id, position: { stream, partition: PARTITION, offset } });
    }
    return { appended, duplicates };
  });
}

function checkExpectedRevision(db: DatabaseSync, { expectedRevision }: AppendOptions): void {
  if (!expectedRevision) return;
  const current = twinRevision(db, expectedRevision.twinId);
  if (current !== expectedRevision.revision) {
    throw new TwinlogError(
      'REVISION_CONFLICT',
      `Twin ${expectedRevision.twinId} is at revision ${current}, not ${expectedRevision.revision}: reload and retry`,
      { twinId: expectedRevision.twinId, expected: expectedRevision.revision, current },
    );
  }
}
