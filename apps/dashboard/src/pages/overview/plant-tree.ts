import type { TwinLevel, TwinSummary } from '../../api/types';

/** A twin as the overview shows it: its list row, with its open alerts counted. */
export interface PlantTwin extends TwinSummary {
  openAlerts: number;
}

/** The hierarchy: each twin's children, and the twins at the top (no parent, or one not visible). */
export interface PlantTree {
  twins: Map<string, PlantTwin>;
  children: Map<string, string[]>;
  roots: string[];
}

/** One row on screen: a twin at its depth in the tree. */
export interface TreeRow {
  twinId: string;
  depth: number;
  hasChildren: boolean;
  expanded: boolean;
  parentId: string | null;
}

const LEVEL_ORDER: Record<TwinLevel, number> = { process: 0, system: 1, asset: 2, component: 3 };

/** Ids as a person reads them: cnc-2 before cnc-10. */
const NATURAL = new Intl.Collator('en', { numeric: true });

/** Process first, then systems, assets and components; by id (naturally) within a level. */
function byLevelThenId(twins: Map<string, PlantTwin>) {
  return (a: string, b: string) => {
    const ta = twins.get(a)!;
    const tb = twins.get(b)!;
    const level = (LEVEL_ORDER[ta.level] ?? 9) - (LEVEL_ORDER[tb.level] ?? 9);
    return level !== 0 ? level : NATURAL.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
  };
}

export function buildTree(twins: Iterable<PlantTwin>): PlantTree {
  const byId = new Map<string, PlantTwin>();
  for (const twin of twins) byId.set(twin.twinId, twin);
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const twin of byId.values()) {
    const parent = twin.parentId;
    // A parent the caller cannot see (another site), or a cycle, puts the twin at the top.
    if (parent === null || parent === twin.twinId || !byId.has(parent)) roots.push(twin.twinId);
    else {
      const list = children.get(parent);
      if (list) list.push(twin.twinId);
      else children.set(parent, [twin.twinId]);
    }
  }
  const order = byLevelThenId(byId);
  roots.sort(order);
  for (const list of children.values()) list.sort(order);
  return { twins: byId, children, roots };
}

export interface TreeFilter {
  /** Matched, case-insensitively, against the id, name, type and site. */
  text: string;
  twinType?: string;
  site?: string;
}

export function matches(twin: PlantTwin, filter: TreeFilter): boolean {
  if (filter.twinType && twin.twinType !== filter.twinType) return false;
  if (filter.site && twin.site !== filter.site) return false;
  const text = filter.text.trim().toLowerCase();
  if (!text) return true;
  return [twin.twinId, twin.name ?? '', twin.twinType, twin.site ?? ''].some((field) =>
    field.toLowerCase().includes(text),
  );
}

function isFiltering(filter: TreeFilter): boolean {
  return Boolean(filter.text.trim() || filter.twinType || filter.site);
}

/**
 * The rows to show, depth first: the expanded twins' children. While filtering: every matching
 * twin with the ancestors that lead to it (opened, so the match is in view). Iterative, so a
 * deep plant cannot overflow the stack; a twin is shown once even if the data had a cycle.
 */
export function visibleRows(
  tree: PlantTree,
  expanded: ReadonlySet<string>,
  filter: TreeFilter,
): TreeRow[] {
  const filtering = isFiltering(filter);
  const keep = filtering ? keptByFilter(tree, filter) : undefined;
  const rows: TreeRow[] = [];
  const seen = new Set<string>();
  const stack: Array<{ id: string; depth: number }> = [];
  const push = (ids: readonly string[], depth: number) => {
    for (let i = ids.length - 1; i >= 0; i--) {
      const id = ids[i]!;
      if (!keep || keep.has(id)) stack.push({ id, depth });
    }
  };
  push(tree.roots, 0);
  while (stack.length > 0) {
    const { id, depth } = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const kids = tree.children.get(id) ?? [];
    const shownKids = keep ? kids.filter((k) => keep.has(k)) : kids;
    const open = filtering ? shownKids.length > 0 : expanded.has(id);
    rows.push({
      twinId: id,
      depth,
      hasChildren: shownKids.length > 0,
      expanded: open && shownKids.length > 0,
      parentId: tree.twins.get(id)?.parentId ?? null,
    });
    if (open) push(shownKids, depth + 1);
  }
  return rows;
}

/** The twins that match and every ancestor of one. */
function keptByFilter(tree: PlantTree, filter: TreeFilter): Set<string> {
  const keep = new Set<string>();
  for (const twin of tree.twins.values()) {
    if (!matches(twin, filter)) continue;
    let id: string | null = twin.twinId;
    while (id !== null && tree.twins.has(id) && !keep.has(id)) {
      keep.add(id);
      id = tree.twins.get(id)!.parentId;
    }
  }
  return keep;
}

/** The twins to open at first: the top two levels, so a plant opens at its lines. */
export function initiallyExpanded(tree: PlantTree): Set<string> {
  const open = new Set<string>(tree.roots);
  for (const root of tree.roots) for (const child of tree.children.get(root) ?? []) open.add(child);
  return open;
}

/** Open (not resolved) alerts per twin: each alert counts for its subject and its member twins. */
export function alertCounts(
  alerts: Iterable<{ subject: string; members: ReadonlyArray<{ twinId: string }> }>,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const alert of alerts) {
    const twins = new Set([alert.subject, ...alert.members.map((m) => m.twinId)]);
    for (const twin of twins) counts.set(twin, (counts.get(twin) ?? 0) + 1);
  }
  return counts;
}
