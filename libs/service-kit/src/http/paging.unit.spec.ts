import fc from 'fast-check';
import { z } from 'zod';
import { HttpProblem } from './http-problem';
import {
  byCodeUnits,
  filtersOf,
  pageLimit,
  pageOf,
  PageCursor,
  pagingParams,
  sortedPage,
} from './paging';
import { parseQuery } from './query-params';

const cursor = new PageCursor('things', z.tuple([z.string(), z.int().min(0)]));

/** What a decode threw: the 400 naming `cursor`, or anything else (a defect). */
function refusal(run: () => unknown): { status: number; code: string; parameter: unknown } | 'ok' {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (!(error instanceof HttpProblem)) throw error;
    return { status: error.status, code: error.code, parameter: error.details.parameter };
  }
}
const CURSOR_400 = { status: 400, code: 'QUERY_INVALID', parameter: 'cursor' };

describe('PageCursor', () => {
  it('gives back the position it encoded, for the same filters in any key order', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.string(), (key, n, site) => {
        const text = cursor.encode([key, n], { site, level: undefined, types: ['A'] });
        expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(cursor.decode(text, { types: ['A'], site })).toEqual([key, n]);
      }),
    );
  });

  it('is undefined without a cursor (the first page)', () => {
    expect(cursor.decode(undefined, {})).toBeUndefined();
  });

  it('refuses a cursor made under other filters, or for another list', () => {
    const text = cursor.encode(['a', 1], { site: 'plant-a' });
    expect(refusal(() => cursor.decode(text, { site: 'plant-b' }))).toEqual(CURSOR_400);
    expect(refusal(() => cursor.decode(text, {}))).toEqual(CURSOR_400);
    const other = new PageCursor('others', z.tuple([z.string(), z.int().min(0)]));
    expect(refusal(() => other.decode(text, { site: 'plant-a' }))).toEqual(CURSOR_400);
  });

  it('refuses a well-formed envelope whose position the list cannot have', () => {
    const forged = (p: unknown) =>
      Buffer.from(JSON.stringify({ l: 'things', f: fingerprintOf(), p })).toString('base64url');
    for (const p of [null, ['a', -1], ['a', 1.5], 'a', { __proto__: 1 }, ['a', 1, 2]])
      expect(refusal(() => cursor.decode(forged(p), {}))).toEqual(CURSOR_400);
  });

  it('never throws anything but the 400 naming cursor for garbled or forged text (property)', () => {
    const real = cursor.encode(['twin-1', 7], {});
    const texts = fc.oneof(
      fc.string({ maxLength: 2000 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('base64url')),
      fc.json().map((j) => Buffer.from(j).toString('base64url')),
      fc
        .record({
          l: fc.constantFrom('things', 'x', '__proto__'),
          f: fc.string(),
          p: fc.jsonValue(),
        })
        .map((o) => Buffer.from(JSON.stringify(o)).toString('base64url')),
      // A real cursor with one character changed, cut short or lengthened.
      fc
        .tuple(fc.nat(real.length - 1), fc.constantFrom(...'AZaz09-_=+/.'))
        .map(([i, c]) => real.slice(0, i) + c + real.slice(i + 1)),
      fc.nat(real.length).map((n) => real.slice(0, n)),
      fc.string({ maxLength: 5 }).map((s) => real + s),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const outcome = refusal(() => cursor.decode(text, {}));
        if (outcome !== 'ok') expect(outcome).toEqual(CURSOR_400);
      }),
      { numRuns: 2_000 },
    );
  });
});

function fingerprintOf(): string {
  // The fingerprint of no filters, read back from a real cursor.
  const real = cursor.encode(['a', 0], {});
  return (JSON.parse(Buffer.from(real, 'base64url').toString()) as { f: string }).f;
}

describe('sortedPage', () => {
  it('pages through any sorted list: every item once, in order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string(), { maxLength: 60 }),
        fc.integer({ min: 1, max: 10 }),
        (keys, limit) => {
          const sorted = [...keys].sort(byCodeUnits);
          const seen: string[] = [];
          let after: string | undefined;
          for (let pages = 0; pages <= sorted.length + 1; pages++) {
            const { items, last } = sortedPage(sorted, {
              after,
              limit,
              keyOf: (k) => k,
              compare: byCodeUnits,
            });
            expect(items.length).toBeLessThanOrEqual(limit);
            seen.push(...items);
            if (last === null) break;
            after = last;
          }
          expect(seen).toEqual(sorted);
        },
      ),
    );
  });

  it('keeps its place when items are added or removed between pages (keyset)', () => {
    const first = sortedPage(['a', 'c', 'e', 'g'], {
      after: undefined,
      limit: 2,
      keyOf: (k) => k,
      compare: byCodeUnits,
    });
    expect(first).toEqual({ items: ['a', 'c'], last: 'c' });
    // 'b' was added before the boundary and 'c' removed: the next page starts after 'c' still.
    const second = sortedPage(['a', 'b', 'd', 'e', 'g'], {
      after: first.last!,
      limit: 2,
      keyOf: (k) => k,
      compare: byCodeUnits,
    });
    expect(second).toEqual({ items: ['d', 'e'], last: 'e' });
  });
});

describe('limit and the query parameters', () => {
  const schema = z.object({ site: z.string().optional(), ...pagingParams(500) });

  it('takes 1 to the largest page, defaulting to 100 (or the largest page if smaller)', () => {
    expect(pageLimit(undefined, 1_000)).toBe(100);
    expect(pageLimit(undefined, 20)).toBe(20);
    expect(pageLimit(20, 20)).toBe(20);
    expect(refusal(() => pageLimit(21, 20))).toEqual({
      status: 400,
      code: 'QUERY_INVALID',
      parameter: 'limit',
    });
    expect(parseQuery(schema, { limit: '500' }).limit).toBe(500);
    for (const limit of ['0', '501', '-1', '2.5', '1e3', ' 5', ''])
      expect(refusal(() => parseQuery(schema, { limit }))).toMatchObject({ parameter: 'limit' });
  });

  it('refuses a cursor that is not base64url text before decoding it', () => {
    for (const text of ['', 'a b', 'a/b', 'a+b', 'x'.repeat(1025)])
      expect(refusal(() => parseQuery(schema, { cursor: text }))).toMatchObject({
        parameter: 'cursor',
      });
  });

  it('binds a cursor to the filters only, not to limit or cursor', () => {
    expect(filtersOf({ site: 'a', limit: 5, cursor: 'x', level: undefined })).toEqual({
      site: 'a',
      level: undefined,
    });
  });
});

describe('pageOf', () => {
  it('describes a page: the items under their key and next', () => {
    const page = pageOf('twins', z.object({ twinId: z.string() }));
    expect(page.parse({ twins: [{ twinId: 'a' }], next: null })).toEqual({
      twins: [{ twinId: 'a' }],
      next: null,
    });
    expect(page.safeParse({ twins: [], next: 5 }).success).toBe(false);
    expect(page.safeParse({ next: null }).success).toBe(false);
  });
});
