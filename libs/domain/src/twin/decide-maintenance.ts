import { TwinlogError } from '../errors';
import { excerpt } from '../bounded-echo';
import { hasOwnName } from '../own-names';
import { requireTime } from '../time/parse-time';
import type { DecideContext } from './decide-context';
import type { DecidedEvent } from './decided-event';
import { assertComponentOf } from './hierarchy-rules';
import { sameJson } from './same-json';
import type { TwinCommand } from './twin-commands';
import type { TwinState } from './twin-state';
import { assertPlausibleTime } from './validate-reading';

/** RecordMaintenance: resets of properties the model has, at a plausible time; a resend is no news. */
export function recordMaintenance(
  command: Extract<TwinCommand, { type: 'RecordMaintenance' }>,
  twin: TwinState,
  ctx: DecideContext,
): DecidedEvent[] {
  const model = ctx.catalog.get(twin.twinType, twin.modelVersion);
  const resets = command.resets ?? [];
  const unknown = resets.filter((p) => !hasOwnName(model.properties, p));
  if (unknown.length > 0) {
    throw new TwinlogError(
      'PROPERTY_UNKNOWN',
      `${model.type} has no ${unknown
        .slice(0, 5)
        .map((p) => excerpt(p))
        .join(', ')}${unknown.length > 5 ? ` (and ${unknown.length - 5} more)` : ''} to reset`,
      { properties: unknown },
    );
  }
  if (command.componentId !== undefined) assertComponentOf(twin, command.componentId);
  const where = { twinId: twin.twinId, field: 'performedAt' };
  const performedAt = requireTime(command.performedAt, 'performedAt', { details: where });
  assertPlausibleTime(performedAt, twin, ctx, where);
  const data = {
    kind: command.kind,
    performedAt,
    resets,
    componentId: command.componentId ?? null,
    notes: command.notes ?? null,
  };
  // The same maintenance as the last one recorded (a resent request): nothing new happened.
  const last = twin.lastMaintenance;
  if (last && sameJson({ ...last, eventId: undefined }, data)) return [];
  return [
    {
      type: 'MaintenancePerformed',
      data,
      occurredAt: performedAt,
    },
  ];
}
