import { byCodeUnits } from '@twinlog/service-kit';

/** One page of the twins list, as each replica answers it (sorted by twin id). */
export interface ListPage<T extends { twinId: string } = { twinId: string }> {
  twins: T[];
  next: string | null;
}

/**
 * The page a single replica holding every twin would answer, from each replica's page for the
 * same query and cursor. A replica whose page is cut (it has a `next`) gave `limit` twins, so the
 * first `limit` of all are certain; and the merged page has a next one whenever any page did.
 */
export function mergeListPages<T extends { twinId: string }>(
  pages: Array<ListPage<T>>,
  limit: number,
  cursorAfter: (twinId: string) => string,
): ListPage<T> {
  const all = pages.flatMap((p) => p.twins).sort((a, b) => byCodeUnits(a.twinId, b.twinId));
  const twins = all.slice(0, limit);
  const more = all.length > limit || pages.some((p) => p.next !== null);
  return { twins, next: more && twins.length > 0 ? cursorAfter(twins.at(-1)!.twinId) : null };
}
