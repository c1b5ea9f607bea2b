import { daysInMonth, type EventEnvelope, type EventOfType, type Reading } from '@twinlog/domain';

// The hot path of every replay is TelemetryReported v2. Validating it with the general schema
// (the domain's parseEvent) costs about three times the JSON parse; these checks accept only
// what the schema accepts, or answer "no" and let the schema decide (and explain). They are the
// codec's business, so they live beside it; the specs hold them to the schema.
const ISO =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;
const digit = (text: string, at: number) => text.charCodeAt(at) - 0x30;
/**
 * The schema's pattern also knows the calendar (no 30 February, 29 February in leap years only).
 * Days up to 28 exist in every month: the common case costs one comparison.
 */
function realDay(t: string): boolean {
  const day = digit(t, 8) * 10 + digit(t, 9);
  if (day <= 28) return true;
  const year = digit(t, 0) * 1000 + digit(t, 1) * 100 + digit(t, 2) * 10 + digit(t, 3);
  return day <= daysInMonth(year, digit(t, 5) * 10 + digit(t, 6));
}
const isTime = (v: unknown): v is string => typeof v === 'string' && ISO.test(v) && realDay(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

type TelemetryEnvelope = EventEnvelope<EventOfType<'TelemetryReported'>>;

/** The envelope fields the schema requires of every event, checked without copying. */
function envelopeValid(e: Record<string, unknown>, timesChecked = false): boolean {
  const { id, twinId, revision, occurredAt, recordedAt, correlationId, causationId, producer } = e;
  return (
    isId(id) &&
    isId(twinId) &&
    isId(correlationId) &&
    isText(producer) &&
    typeof revision === 'number' &&
    Number.isInteger(revision) &&
    revision > 0 &&
    (timesChecked || (isTime(occurredAt) && isTime(recordedAt))) &&
    (causationId === null || isId(causationId))
  );
}

function readingValid(r: Reading, timeChecked = false): boolean {
  return (
    isId(r.readingId) &&
    isText(r.property) &&
    isText(r.unit) &&
    (timeChecked || isTime(r.occurredAt)) &&
    typeof r.value === 'number' &&
    Number.isFinite(r.value)
  );
}

/**
 * True when a TelemetryReported v2 that a decoder built field by field (so it holds exactly the
 * schema's fields, nothing foreign) passes the schema's rules: the binary codec's check.
 * `timesChecked`: the decoder found every time in the canonical form (isCanonicalUtcTime).
 */
export function isValidTelemetryReported(event: TelemetryEnvelope, timesChecked = false): boolean {
  if (event.type !== 'TelemetryReported' || event.schemaVersion !== 2) return false;
  if (!envelopeValid(event as unknown as Record<string, unknown>, timesChecked)) return false;
  const readings = event.data.readings;
  if (readings.length === 0) return false;
  for (let i = 0; i < readings.length; i++)
    if (!readingValid(readings[i]!, timesChecked)) return false;
  return true;
}

const DIGITS_AT = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];
const DIGIT = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
const two = (bytes: Uint8Array, at: number) => (bytes[at]! - 0x30) * 10 + bytes[at + 1]! - 0x30;

/**
 * True when `bytes` hold a timestamp in the canonical UTC form, YYYY-MM-DDTHH:MM:SS.sssZ, with
 * every field in the ISO pattern's ranges and a real calendar day: a subset of what the pattern
 * (and the schema) accepts, checked on the
 * bytes before a decoder makes a string of them (the pattern cost more than decoding).
 */
export function isCanonicalUtcTime(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 24) return false;
  for (let i = 0; i < DIGITS_AT.length; i++) if (!DIGIT(bytes[start + DIGITS_AT[i]!])) return false;
  if (bytes[start + 4] !== 0x2d || bytes[start + 7] !== 0x2d || bytes[start + 10] !== 0x54)
    return false;
  if (bytes[start + 13] !== 0x3a || bytes[start + 16] !== 0x3a || bytes[start + 19] !== 0x2e)
    return false;
  if (bytes[start + 23] !== 0x5a) return false;
  const month = two(bytes, start + 5);
  const day = two(bytes, start + 8);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    (day <= 28 || day <= daysInMonth(two(bytes, start) * 100 + two(bytes, start + 2), month)) &&
    two(bytes, start + 11) <= 23 &&
    two(bytes, start + 14) <= 59 &&
    two(bytes, start + 17) <= 59
  );
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
