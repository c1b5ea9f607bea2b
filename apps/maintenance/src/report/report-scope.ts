import type { TwinState } from '@twinlog/domain';
import type { ReportScope } from './report-facts';

export interface TwinLookup {
  get(twinId: string): TwinState | undefined;
  all(): readonly TwinState[];
}

/**
 * The twins a report covers, of the sites the caller may see: a twin and its active subtree
 * (the twin first), or a site's active twins by id. Undefined when there is nothing to report
 * on (no such twin, a twin the caller may not see, a site with no twin it may see).
 */
export function twinsOfScope(
  scope: ReportScope,
  twins: TwinLookup,
  maySee: (site: string | null) => boolean,
): TwinState[] | undefined {
  if (scope.kind === 'site') {
    const onSite = twins
      .all()
      .filter((t) => t.site === scope.site && t.status === 'active' && maySee(t.site))
      .sort((a, b) => a.twinId.localeCompare(b.twinId));
    return onSite.length > 0 ? onSite : undefined;
  }
  const root = twins.get(scope.twinId);
  if (!root || root.status === 'unregistered' || !maySee(root.site)) return undefined;
  const found: TwinState[] = [];
  const seen = new Set<string>();
  const stack: TwinState[] = [root];
  while (stack.length > 0) {
    const twin = stack.pop()!;
    // A corrupt cycle must not hang a query.
    if (seen.has(twin.twinId)) continue;
    seen.add(twin.twinId);
    found.push(twin);
    for (const { twinId } of [...twin.children].reverse()) {
      const child = twins.get(twinId);
      if (child && child.status === 'active' && maySee(child.site)) stack.push(child);
    }
  }
  return found;
}
