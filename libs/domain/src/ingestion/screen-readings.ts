import { isTwinlogError, TwinlogError } from '../errors';
import { bounded, excerpt } from '../bounded-echo';
import type { ModelCatalog } from '../model/model-catalog';
import type { DecideContext } from '../twin/decide-context';
import type { DecidedEvent } from '../twin/decided-event';
import type { ReadingInput } from '../twin/twin-commands';
import { TWIN_ID } from '../twin/twin-id';
import type { TwinState } from '../twin/twin-state';
import { normalizeReading, type IncomingReading } from './normalize-reading';

/** What became of one incoming reading. */
export type ReadingVerdict =
  | { status: 'accepted'; twinId: string; reading: ReadingInput; key: string }
  /** Already accepted (same twin and reading id): a resend, answered as success, not logged twice. */
  | { status: 'duplicate'; twinId: string; readingId: string }
  | { status: 'rejected'; error: TwinlogError };

export interface ScreeningContext extends DecideContext {
  /** The twin as the ingestion's directory knows it, or undefined if it was never registered. */
  twin(twinId: string): TwinState | undefined;
  /** Whether the reading with this readingKey was accepted before. */
  seen(key: string): boolean;
}

/** What identifies a reading for de-duplication: its twin and its reading id. */
export function readingKey(twinId: string, readingId: string): string {
  return `${twinId}\u0000${readingId}`;
}

/**
 * Checks each reading on its own (a bad one never sinks the good ones of its batch): a registered,
 * active twin, then normalizeReading's checks against the twin's model. Duplicates within the
 * batch, or of readings accepted before, come back as 'duplicate'.
 */
export function screenReadings(inputs: IncomingReading[], ctx: ScreeningContext): ReadingVerdict[] {
  const inBatch = new Set<string>();
  return inputs.map((input) => {
    try {
      const twin = activeTwin(input.twinId, ctx);
      const reading = normalizeReading(input, twin, modelOf(twin, ctx.catalog), ctx);
      const key = readingKey(twin.twinId, reading.readingId);
      if (inBatch.has(key) || ctx.seen(key)) {
        return { status: 'duplicate', twinId: twin.twinId, readingId: reading.readingId };
      }
      inBatch.add(key);
      return { status: 'accepted', twinId: twin.twinId, reading, key };
    } catch (error) {
      if (isTwinlogError(error)) return { status: 'rejected', error };
      throw error;
    }
  });
}

/**
 * Accepted readings as TelemetryReported events, one per twin and chunk of at most
 * `maxReadingsPerEvent` (events stay well under Kafka's message size), in arrival order.
 */
export function telemetryEventsFor(
  accepted: Array<{ twinId: string; reading: ReadingInput }>,
  maxReadingsPerEvent: number,
): Array<{ twinId: string; event: DecidedEvent }> {
  const byTwin = new Map<string, ReadingInput[]>();
  for (const { twinId, reading } of accepted) {
    const readings = byTwin.get(twinId) ?? [];
    readings.push(reading);
    byTwin.set(twinId, readings);
  }
  const events: Array<{ twinId: string; event: DecidedEvent }> = [];
  for (const [twinId, readings] of byTwin) {
    for (let i = 0; i < readings.length; i += maxReadingsPerEvent) {
      const chunk = readings.slice(i, i + maxReadingsPerEvent);
      // The event's time is its newest reading's: when the plant last said something.
      const occurredAt = chunk.reduce(
        (a, r) => (r.occurredAt > a ? r.occurredAt : a),
        chunk[0]!.occurredAt,
      );
      events.push({
        twinId,
        event: { type: 'TelemetryReported', data: { readings: chunk }, occurredAt },
      });
    }
  }
  return events;
}

function activeTwin(twinId: unknown, ctx: ScreeningContext): TwinState {
  if (typeof twinId !== 'string' || !TWIN_ID.test(twinId)) {
    throw new TwinlogError(
      'TWIN_ID_INVALID',
      `twinId ${excerpt(twinId)} is not allowed: use 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit`,
      { twinId: typeof twinId === 'string' ? bounded(twinId) : excerpt(twinId) },
    );
  }
  const twin = ctx.twin(twinId);
  if (!twin || twin.status === 'unregistered') {
    throw new TwinlogError('TWIN_NOT_FOUND', `Twin ${twinId} is not registered`, { twinId });
  }
  if (twin.status === 'retired') {
    throw new TwinlogError('TWIN_RETIRED', `Twin ${twinId} was retired on ${twin.retiredAt}`, {
      twinId,
    });
  }
  return twin;
}

function modelOf(twin: TwinState, catalog: ModelCatalog) {
  return catalog.get(twin.twinType, twin.modelVersion);
}
