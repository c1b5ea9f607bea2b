import { actorOf, type EventEnvelope } from '@twinlog/domain';
import { badCursor } from '@twinlog/service-kit';

/**
 * Bytes of events (as JSON) one audit page carries at most: a page of 1,000 telemetry events
 * was 38 MB. A page stops early at this size and still gives `next` (it always has one event).
 */
export const AUDIT_PAGE_BYTES = 1_000_000;

export interface AuditQuery {
  types?: string[];
  from?: string;
  to?: string;
  /** Position in the trail to continue after (from the previous page's cursor). */
  after?: number;
  limit: number;
}

/** One page of a twin's trail (its events in log order): by position, record time and size. */
export function auditPageOf(events: EventEnvelope[], query: AuditQuery) {
  // Events are never removed from a trail: a position beyond it was not made by this server.
  if (query.after !== undefined && query.after >= events.length)
    throw badCursor('it is past the end of this trail');
  const inRange = events
    .map((event, index) => ({ index, event }))
    .filter(
      ({ event, index }) =>
        index > (query.after ?? -1) &&
        (!query.from || event.recordedAt >= query.from) &&
        (!query.to || event.recordedAt < query.to),
    );
  const page: Array<{ index: number; event: EventEnvelope }> = [];
  let bytes = 0;
  for (const item of inRange) {
    if (page.length >= query.limit) break;
    bytes += JSON.stringify(item.event).length;
    if (page.length > 0 && bytes > AUDIT_PAGE_BYTES) break;
    page.push(item);
  }
  const last = page[page.length - 1];
  return {
    events: page.map(({ index, event }) => ({
      position: index,
      ...event,
      actor: actorOf(event.producer),
    })),
    next: last && inRange.length > page.length ? last.index : null,
  };
}

/** Who caused an event (moved to @twinlog/domain, where alerting needs it too). */
export { actorOf };
