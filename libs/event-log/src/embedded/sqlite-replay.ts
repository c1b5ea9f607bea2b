import type { DatabaseSync } from 'node:sqlite';
import type { StreamName } from '@twinlog/domain';
import type {
  BatchHandler,
  LogPosition,
  RecordedEvent,
  ReplayOptions,
  ReplayResult,
} from '../event-log.port';
import { decodeStoredEvent } from '../shared/event-codec';
import type { StoredBody } from '../sqlite-index/sqlite-schema';
import { PARTITION, streamEnd } from './single-partition';

/**
 * Replays the embedded log's streams one after another, in offset order and in batches, from
 * the options' start to the end seen when it began (or `endAt`), stopping at `until`.
 */
export async function replayLog(
  db: DatabaseSync,
  options: ReplayOptions,
  handler: BatchHandler,
): Promise<ReplayResult> {
  const batchSize = options.maxBatchSize ?? 1000;
  const untilMs = options.until ? Date.parse(options.until) : Number.POSITIVE_INFINITY;
  let events = 0;
  const next: LogPosition[] = [];
  // One partition per stream here: a replay of other partitions reads nothing.
  const streams = options.partitions?.includes(PARTITION) === false ? [] : options.streams;
  const starts = streams.map((stream) => ({
    stream,
    offset: startOffset(db, stream, options),
  }));
  const ends = new Map(
    streams.map((stream) => {
      const endAt = options.endAt?.find((p) => p.stream === stream && p.partition === PARTITION);
      return [stream, Math.min(streamEnd(db, stream), endAt?.offset ?? Infinity)];
    }),
  );
  const total = starts.reduce((sum, s) => sum + (ends.get(s.stream)! - s.offset), 0);
  for (const start of starts) {
    let offset = start.offset;
    const end = ends.get(start.stream)!;
    const select = db.prepare(
      `SELECT "offset", body, recorded_at_ms FROM events WHERE stream = ? AND partition = ? AND "offset" >= ? AND "offset" < ? ORDER BY "offset" LIMIT ?`,
    );
    let done = false;
    while (!done && offset < end) {
      const rows = select.all(start.stream, PARTITION, offset, end, batchSize);
      if (rows.length === 0) break;
      const batch: RecordedEvent[] = [];
      for (const row of rows) {
        if (Number(row['recorded_at_ms']) > untilMs) {
          done = true;
          break;
        }
        const position = {
          stream: start.stream,
          partition: PARTITION,
          offset: Number(row['offset']),
        };
        batch.push({
          event: decodeStoredEvent(row['body'] as StoredBody, position.offset),
          position,
        });
      }
      if (batch.length > 0) await handler(batch);
      events += batch.length;
      offset = batch.length > 0 ? batch[batch.length - 1]!.position.offset + 1 : offset;
      options.onProgress?.({ events, total });
    }
    next.push({ stream: start.stream, partition: PARTITION, offset });
  }
  return { events, next };
}

function startOffset(db: DatabaseSync, stream: StreamName, options: ReplayOptions): number {
  const from = options.from ?? { kind: 'beginning' };
  if (from.kind === 'beginning') return 0;
  if (from.kind === 'positions')
    return from.positions.find((p) => p.stream === stream)?.offset ?? 0;
  const row = db
    .prepare('SELECT MIN("offset") AS first FROM events WHERE stream = ? AND recorded_at_ms >= ?')
    .get(stream, Date.parse(from.recordedAt));
  return row?.['first'] === null || row?.['first'] === undefined
    ? streamEnd(db, stream)
    : Number(row['first']);
}
