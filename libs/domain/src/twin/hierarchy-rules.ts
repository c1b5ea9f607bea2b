import { bounded, excerpt } from '../bounded-echo';
import { TwinlogError } from '../errors';
import type { TwinModel } from '../model/twin-model.schema';
import type { DecideContext } from './decide-context';
import type { TwinState } from './twin-state';

/**
 * The hierarchy stays consistent: an active twin's parent is active, and a parent's model
 * allows every active child it has. Children the context does not know are taken as active
 * (the safe side: a refusal can be retried, a broken hierarchy cannot be undone).
 */
export function activeChildren(
  twin: TwinState,
  ctx: Pick<DecideContext, 'children'>,
): TwinState['children'] {
  const known = new Map((ctx.children ?? []).map((c) => [c.twinId, c.status]));
  return twin.children.filter((c) => (known.get(c.twinId) ?? 'active') === 'active');
}

/** A parent is retired only after its children: retire (or replace) them first. */
export function assertNoActiveChildren(twin: TwinState, ctx: DecideContext): void {
  const active = activeChildren(twin, ctx);
  if (active.length === 0) return;
  const ids = active.map((c) => c.twinId);
  throw new TwinlogError(
    'CHILDREN_ACTIVE',
    `Twin ${bounded(twin.twinId)} still has ${ids.length} active child twin(s) (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', ...' : ''}): retire them first`,
    { twinId: bounded(twin.twinId), children: ids.slice(0, 20) },
  );
}

/** A new model version must allow the children the twin has (their types, at most its max). */
export function assertChildrenFit(twin: TwinState, model: TwinModel, ctx: DecideContext): void {
  const counts = new Map<string, number>();
  for (const child of activeChildren(twin, ctx))
    counts.set(child.twinType, (counts.get(child.twinType) ?? 0) + 1);
  for (const [childType, count] of counts) {
    const rule = model.children.find((c) => c.type === childType);
    if (!rule || (rule.max !== undefined && count > rule.max)) {
      throw new TwinlogError(
        'CHILD_NOT_ALLOWED',
        `${model.type}@${model.version} allows ${rule ? `at most ${rule.max}` : 'no'} ${childType}; ${bounded(twin.twinId)} has ${count}`,
        { twinId: bounded(twin.twinId), childType, count, version: model.version },
      );
    }
  }
}

/** A child cannot come into service before the twin it is part of (its history would start in a void). */
export function assertNotBeforeParent(
  commissionedAt: string,
  parent: TwinState,
  where: Record<string, unknown>,
): void {
  if (parent.registeredAt && Date.parse(commissionedAt) < Date.parse(parent.registeredAt)) {
    throw new TwinlogError(
      'TIMESTAMP_IMPLAUSIBLE',
      `commissionedAt ${commissionedAt} is before the parent ${bounded(parent.twinId)} was commissioned (${parent.registeredAt})`,
      { ...where, parentId: bounded(parent.twinId), parentCommissionedAt: parent.registeredAt },
    );
  }
}

/** Maintenance names the twin itself or one of its children as the component worked on. */
export function assertComponentOf(twin: TwinState, componentId: string): void {
  if (componentId === twin.twinId || twin.children.some((c) => c.twinId === componentId)) return;
  throw new TwinlogError(
    'CHILD_NOT_ALLOWED',
    `componentId ${excerpt(componentId)} is neither ${bounded(twin.twinId)} nor one of its children`,
    { twinId: bounded(twin.twinId), componentId: bounded(componentId) },
  );
}
