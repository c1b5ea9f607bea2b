import { TwinlogError } from '../errors';
import { bounded, excerpt } from '../bounded-echo';
import { limitOrderProblems, noBoundProblems } from '../model/limits-order';
import { limitsOutsideRange, physicalRangeOf } from '../model/physical-range';
import { limitsSchema } from '../model/twin-model.schema';
import { ownValue } from '../own-names';
import type { DecideContext } from './decide-context';
import type { DecidedEvent } from './decided-event';
import { sameJson } from './same-json';
import type { TwinCommand } from './twin-commands';
import type { TwinState } from './twin-state';

/** ChangeLimits: limits that obey the model file's rules, for a property the model has. */
export function changeLimits(
  command: Extract<TwinCommand, { type: 'ChangeLimits' }>,
  twin: TwinState,
  ctx: DecideContext,
): DecidedEvent[] {
  const model = ctx.catalog.get(twin.twinType, twin.modelVersion);
  const spec = ownValue(model.properties, command.property);
  if (!spec) {
    throw new TwinlogError(
      'PROPERTY_UNKNOWN',
      `${model.type} has no property ${excerpt(command.property)}`,
      { property: bounded(command.property) },
    );
  }
  // The same rules as limits in a model file: finite bounds, low <= high, widening with
  // severity, and within what the property can physically be.
  const parsed = limitsSchema.safeParse(command.limits);
  const messages = parsed.success
    ? [
        ...noBoundProblems(parsed.data),
        ...limitOrderProblems(parsed.data),
        ...limitsOutsideRange(parsed.data, physicalRangeOf(spec)),
      ].map((p) => p.message)
    : parsed.error.issues.map((i) => `${i.path.join('.') || 'limits'}: ${i.message}`);
  if (messages.length > 0) {
    throw new TwinlogError(
      'LIMITS_INVALID',
      `Limits for ${command.property} are inconsistent: ${messages.join('; ')}`,
      { property: command.property },
    );
  }
  // The limits the twin already has: nothing to record (an idempotent repeat, not a new fact).
  if (sameJson(command.limits, ownValue(twin.limits, command.property) ?? {})) return [];
  return [
    {
      type: 'LimitsChanged',
      data: { property: command.property, limits: command.limits },
      occurredAt: ctx.now,
    },
  ];
}
