import { TwinlogError } from '../errors';
import { ownValue } from '../own-names';
import { bounded, excerpt } from '../bounded-echo';
import type { TwinModel } from '../model/twin-model.schema';
import type { DecideContext } from '../twin/decide-context';
import type { ReadingInput } from '../twin/twin-commands';
import type { TwinState } from '../twin/twin-state';
import { parseTime } from '../time/parse-time';
import {
  assertMeasured,
  assertWithinPhysicalRange,
  validateReading,
} from '../twin/validate-reading';
import { convertUnit } from '../units/units';

/** A reading as a plant sends it (HTTP, MQTT, an enterprise topic), before anything is trusted. */
export interface IncomingReading {
  twinId: unknown;
  property: unknown;
  value: unknown;
  /** ISO 8601 with an offset, or epoch milliseconds. */
  time: unknown;
  unit?: unknown;
  readingId?: unknown;
}

/**
 * Turns an incoming reading into one the twin's model accepts: the value converted to the
 * declared unit (a missing unit means the declared one), the time normalised to ISO 8601 UTC,
 * and a reading id (the sender's, or one derived from twin, property and time, so a resent
 * reading without an id is still recognised as the same). Then the model's checks.
 */
export function normalizeReading(
  input: IncomingReading,
  twin: TwinState,
  model: TwinModel,
  ctx: DecideContext,
): ReadingInput {
  const where = {
    twinId: twin.twinId,
    property:
      typeof input.property === 'string' ? bounded(input.property) : excerpt(input.property),
  };
  if (typeof input.property !== 'string' || input.property === '') {
    throw new TwinlogError('PROPERTY_UNKNOWN', 'A reading needs a property name', where);
  }
  const spec = ownValue(model.properties, input.property);
  if (!spec) {
    throw new TwinlogError(
      'PROPERTY_UNKNOWN',
      `${model.type} has no property ${excerpt(input.property)}`,
      { ...where, known: Object.keys(model.properties) },
    );
  }
  assertMeasured(input.property, spec, where);
  if (typeof input.value === 'number' && !Number.isFinite(input.value)) {
    throw new TwinlogError(
      'VALUE_INVALID',
      `${input.property}: ${String(input.value)} is not a finite number (JSON numbers beyond ±1.8e308 read as Infinity)`,
      where,
    );
  }
  if (typeof input.value !== 'number') {
    throw new TwinlogError(
      'VALUE_INVALID',
      `${input.property} must be a finite number, got ${excerpt(input.value)}`,
      where,
    );
  }
  if (input.unit !== undefined && typeof input.unit !== 'string') {
    throw new TwinlogError(
      'UNIT_MISMATCH',
      `unit must be a string, got ${excerpt(input.unit)}`,
      where,
    );
  }
  const value =
    input.unit === undefined ? input.value : convertUnit(input.value, input.unit, spec.unit);
  // After conversion: 1e308 W is a finite input but not a finite kW.
  assertWithinPhysicalRange(input.property, value, spec, where);
  const occurredAt = normalizeTime(input.time, where);
  const readingId =
    input.readingId === undefined
      ? `${twin.twinId}/${input.property}/${occurredAt}`
      : requireId(input.readingId, where);
  const reading: ReadingInput = {
    readingId,
    property: input.property,
    value,
    unit: spec.unit,
    occurredAt,
  };
  validateReading(twin, model, reading, ctx);
  return reading;
}

/**
 * The last time normalised and its result: the readings of one sample (several properties of a
 * twin, several twins of a gateway) usually share their timestamp, and formatting dominates.
 */
let lastTime: unknown;
let lastNormalized = '';

function normalizeTime(time: unknown, where: Record<string, unknown>): string {
  if (time === lastTime && typeof time === 'string') return lastNormalized;
  const normalized = formatTime(time, where);
  lastTime = time;
  lastNormalized = normalized;
  return normalized;
}

function formatTime(time: unknown, where: Record<string, unknown>): string {
  const parsed = parseTime(time, { epochMs: true });
  if (parsed.ok) return parsed.iso;
  throw new TwinlogError('TIMESTAMP_IMPLAUSIBLE', `time: ${parsed.reason}`, where);
}

function requireId(id: unknown, where: Record<string, unknown>): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
    throw new TwinlogError(
      'VALUE_INVALID',
      'readingId must be a string of 1 to 200 characters',
      where,
    );
  }
  return id;
}
