import { readingKey } from '@twinlog/domain';
import type { EventLog, LogPosition, PartitionBounds } from '@twinlog/event-log';

/** One telemetry event's reading keys, with where it sits (to merge partitions by record time). */
interface TailEvent {
  recordedAtMs: number;
  partition: number;
  offset: number;
  keys: string[];
}

export interface TailRead {
  /** The newest `window` reading keys of the whole telemetry stream, oldest first. */
  keys: string[];
  /** Telemetry events read to find them. */
  events: number;
}

/**
 * The reading keys of the telemetry stream's tail: what the de-duplication window held before a
 * restart (ADR 0004). Every partition's tail is read, not only the ones this instance writes
 * to, because instances share the load and a resend may reach another one. Each partition is
 * read backwards in pages until it yields `window` readings or ends; a page's size is guessed
 * from the readings per event seen so far, so a partition usually takes one or two pages.
 */
export async function readRecentReadingKeys(log: EventLog, window: number): Promise<TailRead> {
  if (window <= 0) return { keys: [], events: 0 };
  const open = new Map<number, { bounds: PartitionBounds; from: number; readings: number }>();
  for (const bounds of await log.bounds('telemetry'))
    if (bounds.end > bounds.start)
      open.set(bounds.partition, { bounds, from: bounds.end, readings: 0 });
  const tail: TailEvent[] = [];
  let events = 0;
  let readingsPerEvent = 1;
  while (open.size > 0) {
    const pages = [...open.entries()].map(([partition, p]) => {
      const wanted = Math.ceil(((window - p.readings) / readingsPerEvent) * 1.1) + 16;
      return { partition, to: p.from, from: Math.max(p.bounds.start, p.from - wanted) };
    });
    const position = (partition: number, offset: number): LogPosition => ({
      stream: 'telemetry',
      partition,
      offset,
    });
    let pageEvents = 0;
    let pageReadings = 0;
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
          tail.push({
            recordedAtMs: Date.parse(event.recordedAt),
            partition: at.partition,
            offset: at.offset,
            keys,
          });
          open.get(at.partition)!.readings += keys.length;
          pageReadings += keys.length;
        }
        pageEvents += batch.length;
      },
    );
    events += pageEvents;
    if (pageEvents > 0) readingsPerEvent = Math.max(1, pageReadings / pageEvents);
    for (const page of pages) {
      const state = open.get(page.partition)!;
      state.from = page.from;
      if (state.readings >= window || state.from <= state.bounds.start) open.delete(page.partition);
    }
  }
  tail.sort(
    (a, b) => a.recordedAtMs - b.recordedAtMs || a.partition - b.partition || a.offset - b.offset,
  );
  const keys = tail.flatMap((e) => e.keys);
  return { keys: keys.slice(Math.max(0, keys.length - window)), events };
}
