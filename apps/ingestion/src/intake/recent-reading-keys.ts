import { readingKey } from '@twinlog/domain';
import type { EventLog, LogPosition } from '@twinlog/event-log';

/** One telemetry event's reading keys, with where it sits (to merge partitions by record time). */
interface TailEvent {
  recordedAtMs: number;
  partition: number;
  offset: number;
  keys: string[];
}

/** How far back a partition's tail has been read. */
interface PartitionTail {
  start: number;
  /** The oldest offset read so far (the partition's end before the first page). */
  from: number;
  lastPage: number;
  /** Record time of the oldest event read so far. */
  oldestMs: number;
}

/** The first page per partition: enough to see how many readings an event holds here. */
const PROBE_EVENTS = 200;

export interface TailRead {
  /** The newest `window` reading keys of the whole telemetry stream, oldest first. */
  keys: string[];
  /** Telemetry events read to find them. */
  events: number;
}

/**
 * The reading keys of the telemetry stream's tail: what the de-duplication window held before a
 * restart (ADR 0011). Every partition's tail is read, not only the ones this instance writes
 * to, because instances share the load and a resend may reach another one. The partitions are
 * read backwards in pages, together: a small first page shows how many readings an event
 * holds, the next ones are sized from it (at least doubling, so the pages stay few), and a
 * partition is done once it reaches its start or holds nothing newer than the newest `window`
 * readings found so far (merged by record time).
 */
export async function readRecentReadingKeys(log: EventLog, window: number): Promise<TailRead> {
  if (window <= 0) return { keys: [], events: 0 };
  const open = new Map<number, PartitionTail>();
  for (const b of await log.bounds('telemetry'))
    if (b.end > b.start)
      open.set(b.partition, { start: b.start, from: b.end, lastPage: 0, oldestMs: Infinity });
  const tail: TailEvent[] = [];
  let readings = 0;
  // Unknown until a first small page shows it: 1 (a reading per request) to 500 (full chunks).
  let readingsPerEvent: number | undefined;
  while (open.size > 0) {
    const pages = [...open.entries()].map(([partition, p]) => {
      const share = Math.max(window - readings, window / 10) / open.size;
      const wanted =
        readingsPerEvent === undefined
          ? PROBE_EVENTS
          : Math.max(2 * p.lastPage, Math.ceil((share / readingsPerEvent) * 1.2) + 16);
      return { partition, to: p.from, from: Math.max(p.start, p.from - wanted) };
    });
    const position = (partition: number, offset: number): LogPosition => ({
      stream: 'telemetry',
      partition,
      offset,
    });
    const before = { events: tail.length, readings };
    await log.replay(
      {
        streams: ['telemetry'],
        from: { kind: 'positions', positions: pages.map((p) => position(p.partition, p.from)) },
        endAt: pages.map((p) => position(p.partition, p.to)),
        partitions: pages.map((p) => p.partition),
        maxBatchSize: 2_000,
      },
      async (batch) => {
        for (const { event, position: at } of batch) {
          if (event.type !== 'TelemetryReported') continue;
          const keys = event.data.readings.map((r) => readingKey(event.twinId, r.readingId));
          const recordedAtMs = Date.parse(event.recordedAt);
          tail.push({ recordedAtMs, partition: at.partition, offset: at.offset, keys });
          const p = open.get(at.partition)!;
          p.oldestMs = Math.min(p.oldestMs, recordedAtMs);
          readings += keys.length;
        }
      },
    );
    const pageEvents = tail.length - before.events;
    readingsPerEvent = pageEvents > 0 ? Math.max(1, (readings - before.readings) / pageEvents) : 1;
    for (const page of pages) {
      const p = open.get(page.partition)!;
      p.lastPage = page.to - page.from;
      p.from = page.from;
    }
    const cutoff = readings >= window ? windowStart(tail, window) : -Infinity;
    for (const [partition, p] of open)
      if (p.from <= p.start || p.oldestMs < cutoff) open.delete(partition);
  }
  sortByRecordTime(tail);
  const keys = tail.flatMap((e) => e.keys);
  return { keys: keys.slice(Math.max(0, keys.length - window)), events: tail.length };
}

/** The record time of the oldest event among those holding the newest `window` readings. */
function windowStart(tail: TailEvent[], window: number): number {
  sortByRecordTime(tail);
  let count = 0;
  for (let i = tail.length - 1; i >= 0; i--) {
    count += tail[i]!.keys.length;
    if (count >= window) return tail[i]!.recordedAtMs;
  }
  return -Infinity;
}

function sortByRecordTime(tail: TailEvent[]): void {
  tail.sort(
    (a, b) => a.recordedAtMs - b.recordedAtMs || a.partition - b.partition || a.offset - b.offset,
  );
}
