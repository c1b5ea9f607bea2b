import { CURRENT_SCHEMA_VERSION, type NewEvent } from '../events/twin-events';
import type { DecidedEvent } from './decided-event';

/** Who asked, and how it ties to other events: supplied by the handler with every command. */
export interface CommandMeta {
  /** Unique per command; event ids derive from it, so a retried command appends nothing new. */
  commandId: string;
  correlationId: string;
  causationId: string | null;
  producer: string;
  /** When the command was handled: the events' record time. */
  now: string;
}

/** Wraps decided events in their envelopes; the log gives them their revisions on append. */
export function stampEvents(
  twinId: string,
  decided: DecidedEvent[],
  meta: CommandMeta,
): NewEvent[] {
  return decided.map(({ occurredAt, ...event }, i) => ({
    ...event,
    id: `${meta.commandId}/${i}`,
    twinId,
    schemaVersion: CURRENT_SCHEMA_VERSION[event.type],
    occurredAt,
    recordedAt: meta.now,
    correlationId: meta.correlationId,
    causationId: meta.causationId,
    producer: meta.producer,
  })) as NewEvent[];
}
