import { TwinlogError } from '../errors';
import { hasOwnName, ownValue } from '../own-names';
import { canonical } from '../health/state-diff';
import {
  activeChildren,
  assertChildrenFit,
  assertComponentOf,
  assertNoActiveChildren,
  assertNotBeforeParent,
} from './hierarchy-rules';
import { bounded, excerpt } from '../bounded-echo';
import type { TwinEvent } from '../events/twin-events';
import { limitOrderProblems, noBoundProblems } from '../model/limits-order';
import { limitsSchema, type Limits, type TwinModel } from '../model/twin-model.schema';
import type { DecideContext } from './decide-context';
import type { TwinCommand } from './twin-commands';
import type { TwinState } from './twin-state';
import { limitsOutsideRange, physicalRangeOf } from '../model/physical-range';
import { requireTime } from '../time/parse-time';
import { assertPlausibleTime } from './validate-reading';

/**
 * Twin ids travel as Kafka keys, InfluxDB tags, URL path segments and MQTT topic levels: a
 * conservative alphabet keeps every one of them unambiguous.
 */
export const TWIN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** A decided event and its event time; the log adds the rest of the envelope. */
export type DecidedEvent = TwinEvent & { occurredAt: string };

/**
 * The twin aggregate's decisions: a command and the current state become new events, or a
 * TwinlogError with a stable code. An empty array means "nothing to do" (idempotent repeat).
 */
export function decideTwin(
  command: TwinCommand,
  state: TwinState,
  ctx: DecideContext,
): DecidedEvent[] {
  switch (command.type) {
    case 'RegisterTwin':
      return register(command, state, ctx);
    case 'AttachChild':
      return attachChild(command, active(state), ctx);
    case 'ChangeModelVersion': {
      const twin = active(state);
      if (command.version === twin.modelVersion) return [];
      const model = ctx.catalog.get(twin.twinType, command.version);
      assertChildrenFit(twin, model, ctx);
      return [
        {
          type: 'ModelVersionChanged',
          data: { from: twin.modelVersion, to: model.version, limits: modelLimits(model) },
          occurredAt: ctx.now,
        },
      ];
    }
    case 'ChangeLimits':
      return changeLimits(command, active(state), ctx);
    case 'RecordMaintenance':
      return recordMaintenance(command, active(state), ctx);
    case 'RetireTwin':
      if (state.status === 'retired') return [];
      assertNoActiveChildren(active(state), ctx);
      return [{ type: 'TwinRetired', data: { reason: command.reason }, occurredAt: ctx.now }];
    default: {
      const unknown: never = command;
      throw new TwinlogError('EVENT_INVALID', `Unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

function active(state: TwinState): TwinState {
  if (state.status === 'unregistered')
    throw new TwinlogError('TWIN_NOT_FOUND', `Twin ${bounded(state.twinId)} is not registered`, {
      twinId: state.twinId,
    });
  if (state.status === 'retired')
    throw new TwinlogError(
      'TWIN_RETIRED',
      `Twin ${bounded(state.twinId)} was retired on ${state.retiredAt}`,
      { twinId: state.twinId },
    );
  return state;
}

function modelLimits(model: TwinModel): Record<string, Limits> {
  return Object.fromEntries(
    Object.entries(model.properties).map(([name, spec]) => [name, spec.limits]),
  );
}

function register(
  command: Extract<TwinCommand, { type: 'RegisterTwin' }>,
  state: TwinState,
  ctx: DecideContext,
): DecidedEvent[] {
  if (!TWIN_ID.test(state.twinId)) {
    throw new TwinlogError(
      'TWIN_ID_INVALID',
      `Twin id ${excerpt(state.twinId)} is not allowed: use 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit`,
      { twinId: bounded(state.twinId) },
    );
  }
  if (state.status !== 'unregistered') {
    throw new TwinlogError(
      'TWIN_ALREADY_REGISTERED',
      `Twin ${state.twinId} is already registered as ${state.twinType}`,
      { twinId: state.twinId },
    );
  }
  const model = ctx.catalog.get(command.twinType, command.modelVersion);
  if (command.parentId !== undefined) {
    if (command.parentId === state.twinId || ctx.parentAncestors?.includes(state.twinId)) {
      throw new TwinlogError(
        'HIERARCHY_CYCLE',
        `Twin ${state.twinId} cannot be placed under ${command.parentId}: it would be its own ancestor`,
        { twinId: state.twinId, parentId: command.parentId },
      );
    }
    if (ctx.parent?.status === 'retired') {
      throw new TwinlogError(
        'PARENT_RETIRED',
        `Parent twin ${bounded(command.parentId)} was retired on ${ctx.parent.retiredAt}: a twin cannot join it`,
        { parentId: bounded(command.parentId) },
      );
    }
    if (!ctx.parent || ctx.parent.status !== 'active') {
      throw new TwinlogError(
        'PARENT_NOT_FOUND',
        `Parent twin ${bounded(command.parentId)} is not registered`,
        { parentId: bounded(command.parentId) },
      );
    }
    assertChildAllowed(ctx.parent, model.type, ctx, ctx.parentChildren);
  }
  const where = { twinId: state.twinId, field: 'commissionedAt' };
  const occurredAt =
    command.commissionedAt === undefined
      ? ctx.now
      : requireTime(command.commissionedAt, 'commissionedAt', { details: where });
  assertPlausibleTime(occurredAt, state, ctx, where);
  if (ctx.parent) assertNotBeforeParent(occurredAt, ctx.parent, where);
  return [
    {
      type: 'TwinRegistered',
      data: {
        twinType: model.type,
        modelVersion: model.version,
        level: model.level,
        parentId: command.parentId ?? null,
        site: command.site ?? null,
        name: command.name ?? null,
        limits: modelLimits(model),
      },
      occurredAt,
    },
  ];
}

/** Retired children leave their place: a retired tool's replacement may join its machine. */
function assertChildAllowed(
  parent: TwinState,
  childType: string,
  ctx: DecideContext,
  children: TwinState[] | undefined,
): void {
  const rule = ctx.catalog
    .get(parent.twinType, parent.modelVersion)
    .children.find((c) => c.type === childType);
  if (!rule) {
    throw new TwinlogError(
      'CHILD_NOT_ALLOWED',
      `A ${parent.twinType} cannot have a ${childType} as a child`,
      { parentId: parent.twinId, childType },
    );
  }
  const count = activeChildren(parent, { children }).filter((c) => c.twinType === childType).length;
  if (rule.max !== undefined && count >= rule.max) {
    throw new TwinlogError(
      'CHILD_NOT_ALLOWED',
      `${parent.twinId} already has ${count} ${childType} (max ${rule.max})`,
      { parentId: parent.twinId, childType },
    );
  }
}

function attachChild(
  command: Extract<TwinCommand, { type: 'AttachChild' }>,
  parent: TwinState,
  ctx: DecideContext,
): DecidedEvent[] {
  if (parent.children.some((c) => c.twinId === command.childId)) return [];
  assertChildAllowed(parent, command.childType, ctx, ctx.children);
  const occurredAt =
    command.attachedAt === undefined
      ? ctx.now
      : requireTime(command.attachedAt, 'attachedAt', { details: { twinId: parent.twinId } });
  return [
    {
      type: 'ChildAttached',
      data: { childId: command.childId, childType: command.childType },
      occurredAt,
    },
  ];
}

function changeLimits(
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

function recordMaintenance(
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

/** Equal as JSON, whatever the key order (the limits and maintenance a client resends). */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
