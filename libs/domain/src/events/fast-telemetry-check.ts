import type { EventEnvelope, EventOfType, Reading } from './twin-events';

// The hot path of every replay is TelemetryReported v2. Validating it with the general schema
// costs about three times the JSON parse; these checks accept only what the schema accepts, or
// answer "no" and let the schema decide (and explain).
const ISO =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;
const isTime = (v: unknown): v is string => typeof v === 'string' && ISO.test(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

type TelemetryEnvelope = EventEnvelope<EventOfType<'TelemetryReported'>>;

/** The envelope fields the schema requires of every event, checked without copying. */
function envelopeValid(e: Record<string, unknown>): boolean {
  const { id, twinId, revision, occurredAt, recordedAt, correlationId, causationId, producer } = e;
  return (
    isId(id) &&
    isId(twinId) &&
    isId(correlationId) &&
    isText(producer) &&
    typeof revision === 'number' &&
    Number.isInteger(revision) &&
    revision > 0 &&
    isTime(occurredAt) &&
    isTime(recordedAt) &&
    (causationId === null || isId(causationId))
  );
}

function readingValid(r: Reading): boolean {
  return (
    isId(r.readingId) &&
    isText(r.property) &&
    isText(r.unit) &&
    isTime(r.occurredAt) &&
    typeof r.value === 'number' &&
    Number.isFinite(r.value)
  );
}

/**
 * True when a TelemetryReported v2 that a decoder built field by field (so it holds exactly the
 * schema's fields, nothing foreign) passes the schema's rules: the binary codec's check.
 */
export function isValidTelemetryReported(event: TelemetryEnvelope): boolean {
  if (event.type !== 'TelemetryReported' || event.schemaVersion !== 2) return false;
  if (!envelopeValid(event as unknown as Record<string, unknown>)) return false;
  const readings = event.data.readings;
  if (readings.length === 0) return false;
  for (let i = 0; i < readings.length; i++) if (!readingValid(readings[i]!)) return false;
  return true;
}

/** A parsed JSON TelemetryReported v2 as the schema would clean it (unknown fields dropped), or undefined. */
export function fastTelemetryCheck(raw: Record<string, unknown>): EventEnvelope | undefined {
  if (raw['type'] !== 'TelemetryReported' || raw['schemaVersion'] !== 2) return undefined;
  if (!envelopeValid(raw)) return undefined;
  const readings = (raw['data'] as { readings?: unknown } | null)?.readings;
  if (!Array.isArray(readings) || readings.length === 0) return undefined;
  const clean = new Array<Reading>(readings.length);
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i] as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null) return undefined;
    const { readingId, property, value, unit, occurredAt } = r as unknown as Reading;
    const reading = { readingId, property, value, unit, occurredAt };
    if (!readingValid(reading)) return undefined;
    clean[i] = reading;
  }
  const e = raw as unknown as TelemetryEnvelope;
  return {
    id: e.id,
    twinId: e.twinId,
    type: 'TelemetryReported',
    revision: e.revision,
    schemaVersion: 2,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    correlationId: e.correlationId,
    causationId: e.causationId,
    producer: e.producer,
    data: { readings: clean },
  };
}
