import type { AlertTwinLookup } from './alert-decision-types';

/** Far deeper than any plant's hierarchy; stops a corrupt directory's cycle from hanging a tick. */
const MAX_DEPTH = 64;

/** The twin itself, then its parent, and so on up (cycle-safe). */
export function lineageOf(twinId: string, twins: AlertTwinLookup): string[] {
  const lineage: string[] = [];
  const seen = new Set<string>();
  let current: string | null = twinId;
  while (current !== null && !seen.has(current) && lineage.length < MAX_DEPTH) {
    seen.add(current);
    lineage.push(current);
    current = twins(current)?.parentId ?? null;
  }
  return lineage;
}

/** The nearest ancestor (or self) of level `system`, else the twin itself (docs/adr/0019 §4). */
export function groupKeyOf(twinId: string, twins: AlertTwinLookup): string {
  return lineageOf(twinId, twins).find((id) => twins(id)?.level === 'system') ?? twinId;
}

/** Whether `twinId` is `rootId` or one of its descendants. */
export function inSubtree(twinId: string, rootId: string, twins: AlertTwinLookup): boolean {
  return lineageOf(twinId, twins).includes(rootId);
}
