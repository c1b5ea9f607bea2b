import {
  CURRENT_SCHEMA_VERSION,
  type DecidedAlertEvent,
  type EventEnvelope,
  type NewEvent,
} from '@twinlog/domain';
import type { LogPosition } from '@twinlog/event-log';

export const ALERTING_PRODUCER = 'alerting';

/** Who decided: Twinlog itself (`alerting`), or a person through the API (`alerting/<principal>`). */
export function producerOf(actor: string | null): string {
  return actor === null ? ALERTING_PRODUCER : `${ALERTING_PRODUCER}/${actor}`;
}

/**
 * Wraps the core's decided events in their envelopes. The ids are the core's (derived from what
 * caused them), so a redelivered cause or a retried command appends nothing new.
 */
export function stampAlertEvents(
  decided: readonly DecidedAlertEvent[],
  meta: { recordedAt: string; producer: string; correlationId: string | null },
): NewEvent[] {
  return decided.map(
    ({ id, twinId, occurredAt, causationId, ...event }) =>
      ({
        ...event,
        id,
        twinId,
        schemaVersion: CURRENT_SCHEMA_VERSION[event.type],
        occurredAt,
        recordedAt: meta.recordedAt,
        correlationId: meta.correlationId ?? causationId ?? id,
        causationId,
        producer: meta.producer,
      }) as NewEvent,
  );
}

/** The envelopes as the log recorded them (revision = offset + 1), for applying them at once. */
export function recordedEnvelopes(
  events: readonly NewEvent[],
  appended: ReadonlyArray<{ id: string; position: LogPosition }>,
): EventEnvelope[] {
  const positions = new Map(appended.map((a) => [a.id, a.position]));
  return events.flatMap((event) => {
    const position = positions.get(event.id);
    return position ? [{ ...event, revision: position.offset + 1 } as EventEnvelope] : [];
  });
}
