import {
  parseEvent,
  streamOf,
  type EventEnvelope,
  type NewEvent,
  type StreamName,
} from '@twinlog/domain';

/** Producers append only valid, current-schema events: a bad one fails here, not in every reader. */
export function validateNewEvent(event: NewEvent): { event: NewEvent; stream: StreamName } {
  parseEvent({ ...event, revision: 1 } satisfies EventEnvelope);
  return { event, stream: streamOf(event.type) };
}

/** The stored form of an event: its envelope without the revision, which the position gives. */
export function encodeEvent(event: NewEvent): string {
  const { revision: _omit, ...rest } = event as NewEvent & { revision?: number };
  return JSON.stringify(rest);
}

/** Reads a stored event back: revision from its offset, then validated (and upcast) like any event. */
export function decodeEvent(body: string, offset: number): EventEnvelope {
  const raw: unknown = JSON.parse(body);
  // The parsed object is ours alone: set the revision on it rather than copying it (hot path).
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw))
    (raw as { revision?: number }).revision = offset + 1;
  return parseEvent(raw);
}
