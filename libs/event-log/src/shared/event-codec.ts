import {
  parseEvent,
  streamOf,
  type EventEnvelope,
  type NewEvent,
  type StreamName,
} from '@twinlog/domain';
import {
  decodeCompactTelemetry,
  encodeCompactTelemetry,
  encodeCompactTelemetryV1,
  isCompactFormat,
} from './compact-telemetry';
import { fastTelemetryCheck } from './fast-telemetry-check';

/**
 * How TelemetryReported is stored on Kafka: JSON (the default), which any consumer can read;
 * compact bytes, less than half the size and faster to write and replay (ADR 0009); or the
 * second compact form, a sixth of the first (ADR 0024), once every reader runs a version that
 * reads it (readers of the first form dead-letter the second). Readers of this version take all
 * three, so the setting can change at any time.
 */
export type TelemetryEncoding = 'compact' | 'compact-v2' | 'json';

/** Producers append only valid, current-schema events: a bad one fails here, not in every reader. */
export function validateNewEvent(event: NewEvent): { event: NewEvent; stream: StreamName } {
  parseLikeSchema({ ...event, revision: 1 } satisfies EventEnvelope);
  return { event, stream: streamOf(event.type) };
}

/** The stored form of an event: its envelope without the revision, which the position gives. */
export function encodeEvent(event: NewEvent): string {
  const { revision: _omit, ...rest } = event as NewEvent & { revision?: number };
  return JSON.stringify(rest);
}

/**
 * The message value of an event: compact bytes for telemetry when asked, JSON otherwise. A
 * string that is not well-formed UTF-16 (a lone surrogate) has no UTF-8 form: such an event
 * stays JSON, which escapes it, so it reads back exactly.
 */
export function encodeEventAs(event: NewEvent, telemetry: TelemetryEncoding): string | Buffer {
  if (telemetry !== 'json' && event.type === 'TelemetryReported' && wellFormed(event))
    return telemetry === 'compact'
      ? encodeCompactTelemetryV1(event)
      : encodeCompactTelemetry(event);
  return encodeEvent(event);
}

function wellFormed(event: NewEvent & { type: 'TelemetryReported' }): boolean {
  const { id, twinId, correlationId, causationId, producer, occurredAt, recordedAt } = event;
  for (const text of [
    id,
    twinId,
    correlationId,
    causationId ?? '',
    producer,
    occurredAt,
    recordedAt,
  ])
    if (!isWellFormed(text)) return false;
  for (const r of event.data.readings)
    if (![r.readingId, r.property, r.unit, r.occurredAt].every(isWellFormed)) return false;
  return true;
}

// String#isWellFormed (Node 20+), which the compiler's ES library target does not declare yet.
const isWellFormed = (text: string): boolean =>
  (text as string & { isWellFormed(): boolean }).isWellFormed();

/** Decodes a stored body of either encoding; throws SyntaxError for text that is not JSON. */
export function decodeStoredEvent(body: string | Uint8Array, offset: number): EventEnvelope {
  if (typeof body === 'string') return decodeEvent(body, offset);
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return decodeEventBytes(bytes, 0, bytes.length, offset);
}

/** Decodes the stored event at [start, end) of a buffer (a packed batch of several). */
export function decodeEventBytes(
  bytes: Buffer,
  start: number,
  end: number,
  offset: number,
): EventEnvelope {
  if (end > start && isCompactFormat(bytes[start]!))
    return decodeCompactTelemetry(bytes, offset, start, end);
  return decodeEvent(bytes.toString('utf8', start, end), offset);
}

/** Reads a stored event back: revision from its offset, then validated (and upcast) like any event. */
export function decodeEvent(body: string, offset: number): EventEnvelope {
  const raw: unknown = JSON.parse(body);
  // The parsed object is ours alone: set the revision on it rather than copying it (hot path).
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw))
    (raw as { revision?: number }).revision = offset + 1;
  return parseLikeSchema(raw);
}

/** The domain's parseEvent, with a fast path for valid TelemetryReported v2 (the hot path). */
function parseLikeSchema(raw: unknown): EventEnvelope {
  const fast =
    typeof raw === 'object' && raw !== null
      ? fastTelemetryCheck(raw as Record<string, unknown>)
      : undefined;
  return fast ?? parseEvent(raw);
}

/** A stored body as a dead letter's payload: text as it is, bytes (compact telemetry) as base64. */
export function storedPayload(body: string | Uint8Array): {
  payload: string;
  payloadEncoding?: 'base64';
} {
  if (typeof body === 'string') return { payload: body };
  return { payload: Buffer.from(body).toString('base64'), payloadEncoding: 'base64' };
}
