import { bounded } from '@twinlog/domain';
import type { EventLog } from '@twinlog/event-log';
import { HttpProblem } from '@twinlog/service-kit';
import { STREAM_ORDER, StreamCursor } from './stream-cursor';

/** How long a resume from a position this instance has not yet reached waits for it. */
const REACH_WAIT_MS = 5_000;

/**
 * The position a client resumes from (its Last-Event-ID), checked against the log: 400
 * STREAM_ID_INVALID for text that is not an id of this log, 410 STREAM_ID_EXPIRED for a
 * position the log no longer holds (retention removed what followed it).
 */
export async function resumePoint(
  text: string,
  log: EventLog,
  current: () => StreamCursor,
  windowStart: () => StreamCursor = current,
): Promise<StreamCursor> {
  const read = StreamCursor.parse(text);
  if (!(read instanceof StreamCursor)) throw invalid(text, read.invalid);
  // An id from before the alerts stream was followed (two lists): its client never had an
  // alert, so it gets those of the window and on, not the whole alerts history from the log.
  const parsed = read.missing.reduce((c, stream) => c.taking(stream, windowStart()), read);
  // Inside the window of recent messages: the log surely holds it (a thousand clients coming
  // back after a proxy restart cost no request to the log).
  const sameShape = STREAM_ORDER.every((s) => parsed.partitions(s) === current().partitions(s));
  if (sameShape && parsed.atOrPast(windowStart()) && current().atOrPast(parsed)) return parsed;
  for (const stream of STREAM_ORDER) {
    const bounds = await log.bounds(stream);
    if (parsed.partitions(stream) !== bounds.length)
      throw invalid(
        text,
        `it names ${parsed.partitions(stream)} partitions of ${stream}; the log has ${bounds.length}`,
      );
    for (const b of bounds) {
      const offset = parsed.next(stream, b.partition);
      if (offset > b.end) throw invalid(text, `it is past the end of the log (${stream})`);
      if (offset < b.start)
        throw new HttpProblem(
          410,
          'STREAM_ID_EXPIRED',
          `The log no longer holds what followed ${bounded(text)} (${stream} partition ${b.partition} now starts at ${b.start}): reconnect without Last-Event-ID and reload the state`,
          { lastEventId: bounded(text), stream, partition: b.partition, start: b.start },
        );
    }
  }
  // Another instance's id may be ahead of this one's by transaction markers only (ADR 0023:
  // an instance that started after them counts them): no event lies between, so it is reached.
  if (!current().atOrPast(parsed) && !(await eventsBetween(log, current(), parsed))) return parsed;
  // Or a little ahead of this one's follower.
  const until = Date.now() + REACH_WAIT_MS;
  while (!current().atOrPast(parsed) && Date.now() < until)
    await new Promise((resolve) => setTimeout(resolve, 50));
  if (!current().atOrPast(parsed)) throw invalid(text, 'this instance has not reached it yet');
  return parsed;
}

function invalid(text: string, why: string): HttpProblem {
  return new HttpProblem(400, 'STREAM_ID_INVALID', `Last-Event-ID ${bounded(text)}: ${why}`, {
    lastEventId: bounded(text),
  });
}

/** Whether the log holds an event after `from` up to `to`, where `to` is ahead. */
async function eventsBetween(
  log: EventLog,
  from: StreamCursor,
  to: StreamCursor,
): Promise<boolean> {
  const ahead = to.positions().filter((p) => p.offset > from.next(p.stream, p.partition));
  let found = false;
  for (const stream of new Set(ahead.map((p) => p.stream))) {
    await log.replay(
      {
        streams: [stream],
        partitions: ahead.filter((p) => p.stream === stream).map((p) => p.partition),
        from: { kind: 'positions', positions: from.positions() },
        endAt: ahead,
      },
      async (batch) => {
        if (batch.length > 0) found = true;
      },
    );
    if (found) return true;
  }
  return false;
}
