import { TwinlogError } from '../errors';
import { bounded, excerpt } from '../bounded-echo';
import { requireTime } from '../time/parse-time';
import type { DecideContext } from './decide-context';
import type { DecidedEvent } from './decided-event';
import { activeChildren, assertNotBeforeParent } from './hierarchy-rules';
import { modelLimits } from './model-limits';
import type { TwinCommand } from './twin-commands';
import { TWIN_ID } from './twin-id';
import type { TwinState } from './twin-state';
import { assertPlausibleTime } from './validate-reading';

/** RegisterTwin: a valid new id, a model the catalogue has, and a parent that takes it. */
export function register(
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

/** AttachChild: once per child (a repeat decides nothing), where the parent's model allows it. */
export function attachChild(
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
