import fc from 'fast-check';
import { byCodeUnits } from '@twinlog/service-kit';
import { mergeListPages, type ListPage } from './merge-list-pages';

const cursor = (twinId: string) => `after:${twinId}`;

/** A replica's page as the list answers it: the twins after the cursor, `limit` at most. */
function pageOf(ids: string[], after: string | undefined, limit: number): ListPage {
  const rest = ids.filter((id) => after === undefined || byCodeUnits(id, after) > 0);
  const twins = rest.slice(0, limit).map((twinId) => ({ twinId }));
  return { twins, next: rest.length > limit ? cursor(twins.at(-1)!.twinId) : null };
}

describe('mergeListPages', () => {
  it('pages through the replicas’ twins exactly as one replica holding them all would', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 7 }),
        (ids, replicas, limit) => {
          const sorted = [...ids].sort(byCodeUnits);
          // Each twin lives on one replica (by its position, as partitions would scatter them).
          const held = Array.from({ length: replicas }, (_, r) =>
            sorted.filter((_, i) => (i * 7 + 3) % replicas === r),
          );
          const seen: string[] = [];
          let after: string | undefined;
          for (let round = 0; round <= ids.length + 1; round += 1) {
            const merged = mergeListPages(
              held.map((h) => pageOf(h, after, limit)),
              limit,
              cursor,
            );
            expect(merged.twins.length).toBeLessThanOrEqual(limit);
            seen.push(...merged.twins.map((t) => t.twinId));
            if (merged.next === null) break;
            expect(merged.twins.length).toBeGreaterThan(0);
            after = merged.next.slice('after:'.length);
          }
          expect(seen).toEqual(sorted);
        },
      ),
    );
  });

  it('fills a page from several replicas and says where the next one starts', () => {
    const merged = mergeListPages(
      [pageOf(['a', 'c', 'e'], undefined, 2), pageOf(['b', 'd'], undefined, 2)],
      2,
      cursor,
    );
    expect(merged).toEqual({ twins: [{ twinId: 'a' }, { twinId: 'b' }], next: 'after:b' });
  });
});
