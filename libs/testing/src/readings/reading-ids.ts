import type { EventEnvelope, StreamName } from '@twinlog/domain';

/** The one thing it needs of an event log (libs/testing does not depend on libs/event-log). */
export interface ReplaysEvents {
  replay(
    options: { streams: StreamName[] },
    handler: (batch: Array<{ event: EventEnvelope }>) => Promise<void>,
  ): Promise<unknown>;
}

/** Every reading id in the log's telemetry stream, with how often it appears. */
export async function readingIdCounts(log: ReplaysEvents): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  await log.replay({ streams: ['telemetry'] }, async (batch) => {
    for (const { event } of batch)
      if (event.type === 'TelemetryReported')
        for (const r of event.data.readings)
          seen.set(r.readingId, (seen.get(r.readingId) ?? 0) + 1);
  });
  return seen;
}

/** How the expected reading ids stand in the log (counts from `readingIdCounts`). */
export interface Arrivals {
  expected: number;
  /** Expected ids found, once or more. */
  arrived: number;
  /** Expected ids found more than once. */
  twice: number;
  /** Ids in the log that were not expected. */
  unexpected: number;
}

export function arrivals(expected: ReadonlySet<string>, inLog: Map<string, number>): Arrivals {
  let arrived = 0;
  let twice = 0;
  let unexpected = 0;
  for (const [id, count] of inLog) {
    if (!expected.has(id)) unexpected += 1;
    else {
      arrived += 1;
      if (count > 1) twice += 1;
    }
  }
  return { expected: expected.size, arrived, twice, unexpected };
}
