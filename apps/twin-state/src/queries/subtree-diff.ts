import { diffStates, type StateChange, type TwinState } from '@twinlog/domain';

/** How one twin of a subtree changed between two times. */
export interface SubtreeTwinChange {
  twinId: string;
  name: string | null;
  level: TwinState['level'];
  /** In the subtree at `to` only (registered or moved in), at `from` only, or in both. */
  change: 'added' | 'removed' | 'changed';
  /** The state's changes for a twin in both trees; empty for one added or removed. */
  changes: StateChange[];
}

/** A subtree as of a time, walked breadth first from its root, and whether the walk stopped early. */
export interface TreeAt {
  states: Map<string, TwinState>;
  truncated: boolean;
}

/**
 * Walks the tree below `rootId` as of a time, nearest twins first, keeping at most `max` twins a
 * caller may see: `stateOf` answers a twin as of then (undefined when it did not exist then or
 * is of another site). Breadth first, so a cut-off tree keeps the levels nearest the root.
 */
export async function walkTree(
  rootId: string,
  max: number,
  stateOf: (twinId: string) => Promise<TwinState | undefined>,
): Promise<TreeAt> {
  const states = new Map<string, TwinState>();
  const queue = [rootId];
  const queued = new Set(queue);
  while (queue.length > 0 && states.size < max) {
    const state = await stateOf(queue.shift()!);
    if (!state) continue;
    states.set(state.twinId, state);
    for (const { twinId } of state.children) {
      if (queued.has(twinId)) continue;
      queued.add(twinId);
      queue.push(twinId);
    }
  }
  return { states, truncated: queue.length > 0 };
}

/**
 * Each twin that changed between two subtrees: those in both with their state's changes (in
 * the order of the tree at `to`), then those added, then those removed. Unchanged twins are left out.
 */
export function subtreeChanges(
  before: ReadonlyMap<string, TwinState>,
  after: ReadonlyMap<string, TwinState>,
): SubtreeTwinChange[] {
  const entry = (s: TwinState, change: SubtreeTwinChange['change'], changes: StateChange[]) => ({
    twinId: s.twinId,
    name: s.name,
    level: s.level,
    change,
    changes,
  });
  const changed: SubtreeTwinChange[] = [];
  const added: SubtreeTwinChange[] = [];
  for (const [id, now] of after) {
    const then = before.get(id);
    if (!then) added.push(entry(now, 'added', []));
    else {
      const changes = diffStates(then, now);
      if (changes.length > 0) changed.push(entry(now, 'changed', changes));
    }
  }
  const removed = [...before.values()]
    .filter((s) => !after.has(s.twinId))
    .map((s) => entry(s, 'removed', []));
  return [...changed, ...added, ...removed];
}
