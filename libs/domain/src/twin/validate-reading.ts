import { TwinlogError } from '../errors';
import { ownValue } from '../own-names';
import type { TwinModel } from '../model/twin-model.schema';
import type { DecideContext } from './decide-context';
import type { ReadingInput } from './twin-commands';
import type { TwinState } from './twin-state';

/**
 * Checks one reading against the twin's model: known property, finite value of the declared
 * type, the declared unit (conversion happens before, at ingestion), and a plausible time: not
 * before the twin was registered, not further ahead than the allowed skew.
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

export function assertPlausibleTime(
  time: string,
  state: TwinState,
  ctx: DecideContext,
  where: Record<string, unknown>,
): void {
  const at = parseTime(time);
  if (Number.isNaN(at))
    throw new TwinlogError('TIMESTAMP_IMPLAUSIBLE', `"${time}" is not a timestamp`, where);
  const latest = parseTime(ctx.now) + ctx.maxFutureSkewMs;
  if (at > latest) {
    throw new TwinlogError(
      'TIMESTAMP_IMPLAUSIBLE',
      `${time} is in the future (now ${ctx.now}, allowed skew ${ctx.maxFutureSkewMs} ms)`,
      where,
    );
  }
  if (state.registeredAt && at < parseTime(state.registeredAt)) {
    throw new TwinlogError(
      'TIMESTAMP_IMPLAUSIBLE',
      `${time} is before the twin was registered (${state.registeredAt})`,
      where,
    );
  }
}

/**
 * Date.parse with a few recent answers kept: a batch checks thousands of readings against the
 * same "now", the same registration times and mostly shared sample times.
 */
const parsed = new Map<string, number>();
function parseTime(text: string): number {
  let ms = parsed.get(text);
  if (ms === undefined) {
    ms = Date.parse(text);
    if (parsed.size >= 64) parsed.clear();
    parsed.set(text, ms);
  }
  return ms;
}
