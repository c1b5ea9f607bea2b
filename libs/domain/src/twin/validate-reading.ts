import { TwinlogError } from '../errors';
import { physicalRangeOf, withinRange } from '../model/physical-range';
import type { PropertySpec, TwinModel } from '../model/twin-model.schema';
import { parseIsoTime } from '../time/parse-time';
import { ownValue } from '../own-names';
import type { DecideContext } from './decide-context';
import type { ReadingInput } from './twin-commands';
import type { TwinState } from './twin-state';

/**
 * Checks one reading against the twin's model: known property, finite value of the declared
 * type within the property's physical range, the declared unit (conversion happens before, at
 * ingestion), and a plausible time: a real instant, not before the twin was registered, not
 * further ahead than the allowed skew.
 */
export function validateReading(
  state: TwinState,
  model: TwinModel,
  reading: ReadingInput,
  ctx: DecideContext,
): void {
  const where = { twinId: state.twinId, property: reading.property, readingId: reading.readingId };
  const spec = ownValue(model.properties, reading.property);
  if (!spec) {
    throw new TwinlogError(
      'PROPERTY_UNKNOWN',
      `${model.type} has no property "${reading.property}"`,
      {
        ...where,
        known: Object.keys(model.properties),
      },
    );
  }
  assertMeasured(reading.property, spec, where);
  if (typeof reading.value !== 'number' || !Number.isFinite(reading.value)) {
    throw new TwinlogError(
      'VALUE_INVALID',
      `${reading.property} must be a finite number, got ${String(reading.value)}`,
      where,
    );
  }
  if (spec.valueType === 'integer' && !Number.isInteger(reading.value)) {
    throw new TwinlogError(
      'VALUE_INVALID',
      `${reading.property} must be an integer, got ${reading.value}`,
      where,
    );
  }
  assertWithinPhysicalRange(reading.property, reading.value, spec, where);
  if (reading.unit !== spec.unit) {
    throw new TwinlogError(
      'UNIT_MISMATCH',
      `${reading.property} is in ${spec.unit}, got ${reading.unit}`,
      {
        ...where,
        expected: spec.unit,
        got: reading.unit,
      },
    );
  }
  assertPlausibleTime(reading.occurredAt, state, ctx, where);
}

/** A derived property (the process figures) is written by its producer only, never read in. */
export function assertMeasured(
  property: string,
  spec: PropertySpec,
  where: Record<string, unknown>,
): void {
  if (spec.derived === undefined) return;
  throw new TwinlogError(
    'PROPERTY_DERIVED',
    `${property} is derived by Twinlog (${spec.derived}), not measured: readings of it are refused`,
    { ...where, derived: spec.derived },
  );
}

/** A value (already in the property's unit) the property can physically take, or VALUE_OUT_OF_BOUNDS. */
export function assertWithinPhysicalRange(
  property: string,
  value: number,
  spec: PropertySpec,
  where: Record<string, unknown>,
): void {
  const range = physicalRangeOf(spec);
  if (withinRange(value, range)) return;
  throw new TwinlogError(
    'VALUE_OUT_OF_BOUNDS',
    `${property} ${value} ${spec.unit} is outside what it can physically be (${range.min} to ${range.max} ${spec.unit})`,
    {
      ...where,
      value: Number.isFinite(value) ? value : String(value),
      min: range.min,
      max: range.max,
      unit: spec.unit,
    },
  );
}

export function assertPlausibleTime(
  time: string,
  state: TwinState,
  ctx: DecideContext,
  where: Record<string, unknown>,
): void {
  const at = cachedMs(time);
  if (Number.isNaN(at)) {
    const refused = parseIsoTime(time);
    const why = refused.ok ? 'is not a timestamp' : refused.reason;
    throw new TwinlogError(
      'TIMESTAMP_IMPLAUSIBLE',
      `${String(where['field'] ?? 'time')}: ${why}`,
      where,
    );
  }
  const latest = cachedMs(ctx.now) + ctx.maxFutureSkewMs;
  if (at > latest) {
    throw new TwinlogError(
      'TIMESTAMP_IMPLAUSIBLE',
      `${time} is in the future (now ${ctx.now}, allowed skew ${ctx.maxFutureSkewMs} ms)`,
      where,
    );
  }
  if (state.registeredAt && at < cachedMs(state.registeredAt)) {
    throw new TwinlogError(
      'TIMESTAMP_IMPLAUSIBLE',
      `${time} is before the twin was registered (${state.registeredAt})`,
      where,
    );
  }
}

/**
 * The strict parse (NaN for what it refuses) with a few recent answers kept: a batch checks
 * thousands of readings against the same "now", the same registration times and mostly shared
 * sample times.
 */
const recent = new Map<string, number>();
function cachedMs(text: string): number {
  let ms = recent.get(text);
  if (ms === undefined) {
    const result = typeof text === 'string' ? parseIsoTime(text) : undefined;
    ms = result?.ok ? result.ms : Number.NaN;
    if (recent.size >= 64) recent.clear();
    recent.set(text, ms);
  }
  return ms;
}
