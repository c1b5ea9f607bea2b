import type { EventEnvelope } from './twin-events';

// The hot path of every replay is TelemetryReported v2. Validating it with the general schema
// costs about three times the JSON parse; this check accepts only what the schema accepts and
// returns the same cleaned object, or undefined to let the schema decide (and explain).
const ISO =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;
const isTime = (v: unknown): v is string => typeof v === 'string' && ISO.test(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export function fastTelemetryCheck(raw: Record<string, unknown>): EventEnvelope | undefined {
  if (raw['type'] !== 'TelemetryReported' || raw['schemaVersion'] !== 2) return undefined;
  const {
    id,
    twinId,
    revision,
    occurredAt,
    recordedAt,
    correlationId,
    causationId,
    producer,
    data,
  } = raw;
  if (!isId(id) || !isId(twinId) || !isId(correlationId) || !isText(producer)) return undefined;
  if (typeof revision !== 'number' || !Number.isInteger(revision) || revision <= 0)
    return undefined;
  if (!isTime(occurredAt) || !isTime(recordedAt)) return undefined;
  if (causationId !== null && !isId(causationId)) return undefined;
  const readings = (data as { readings?: unknown } | null)?.readings;
  if (!Array.isArray(readings) || readings.length === 0) return undefined;
  const clean = new Array(readings.length);
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i] as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null) return undefined;
    const { readingId, property, value, unit, occurredAt: at } = r;
    if (!isId(readingId) || !isText(property) || !isText(unit) || !isTime(at)) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
    clean[i] = { readingId, property, value, unit, occurredAt: at };
  }
  return {
    id,
    twinId,
    type: 'TelemetryReported',
    revision,
    schemaVersion: 2,
    occurredAt,
    recordedAt,
    correlationId,
    causationId,
    producer,
    data: { readings: clean },
  };
}
