import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CURSOR_TEXT, PAGE_DEFAULT, PAGE_MAX, q, queryInvalid } from './query-params';

/**
 * The one paging convention of every list (docs/api-conventions.md): `?limit=` (1 to the list's
 * largest page, PAGE_DEFAULT unless given) and `?cursor=` (the `next` of the previous page), and
 * an answer `{ <items>: [...], next }` where `next` is the cursor of the following page, or null
 * on the last one. A cursor is opaque to clients: base64url of the list it belongs to, a
 * fingerprint of the filters it was made under and the position after which the next page
 * starts. A cursor that is garbled, of another list, made under other filters, or whose position
 * is not one the list can have is 400 QUERY_INVALID naming `cursor`, never a 500.
 */

const ENVELOPE = z.strictObject({ l: z.string(), f: z.string(), p: z.unknown() });

/** Encodes and decodes the cursors of one list, whose position has the given schema. */
export class PageCursor<P> {
  constructor(
    /** The list's name, e.g. `twins`: a cursor of another list is refused. */
    private readonly list: string,
    private readonly position: z.ZodType<P>,
  ) {}

  /** The cursor of the page after `position`, for a query with these filters. */
  encode(position: P, filters: object): string {
    const envelope = { l: this.list, f: fingerprint(filters), p: position };
    return Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64url');
  }

  /** The position a cursor names (undefined without one), or a 400 naming `cursor`. */
  decode(text: string | undefined, filters: object): P | undefined {
    if (text === undefined) return undefined;
    if (!CURSOR_TEXT.test(text)) throw badCursor('it is not a cursor this API made');
    let envelope: unknown;
    try {
      envelope = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    } catch {
      throw badCursor('it is not a cursor this API made');
    }
    const parsed = ENVELOPE.safeParse(envelope);
    if (!parsed.success) throw badCursor('it is not a cursor this API made');
    if (parsed.data.l !== this.list) throw badCursor(`it is not a cursor of this list`);
    if (parsed.data.f !== fingerprint(filters))
      throw badCursor('it was made for other filters: repeat the query it came from');
    const position = this.position.safeParse(parsed.data.p);
    if (!position.success) throw badCursor('it names no position of this list');
    return position.data;
  }
}

/** The 400 of a cursor that cannot be followed (also for one past the end of its list). */
export function badCursor(why: string) {
  return queryInvalid('cursor', `cursor: ${why}; start again without a cursor`);
}

/** A query's filters: everything but `limit` and `cursor` (what a cursor is bound to). */
export function filtersOf(query: object): Record<string, unknown> {
  const { limit: _limit, cursor: _cursor, ...filters } = query as Record<string, unknown>;
  return filters;
}

/** A route's page size: `limit` as given (at most `max`), else PAGE_DEFAULT (or `max` if smaller). */
export function pageLimit(limit: number | undefined, max: number): number {
  if (limit === undefined) return Math.min(PAGE_DEFAULT, max);
  if (limit > max) throw queryInvalid('limit', `limit: must be a whole number from 1 to ${max}`);
  return limit;
}

/**
 * One page of a list held in memory, sorted by `compare` on a unique key: the items after the
 * key `after`, at most `limit`, and the key of the last one when more follow (else null).
 * Keyset paging: an item added or removed elsewhere in the list moves no other item across a
 * page boundary.
 */
export function sortedPage<T, K>(
  sorted: readonly T[],
  options: { after: K | undefined; limit: number; keyOf: (item: T) => K; compare: Compare<K> },
): { items: T[]; last: K | null } {
  const { after, limit, keyOf, compare } = options;
  const start = after === undefined ? 0 : firstAfter(sorted, (item) => compare(keyOf(item), after));
  const items = sorted.slice(start, start + limit);
  const more = start + items.length < sorted.length;
  return { items, last: more && items.length > 0 ? keyOf(items[items.length - 1]!) : null };
}

/**
 * A route's whole keyset page from its query: the cursor decoded under the query's filters, the
 * page cut from the sorted items, and `next` encoded under the same filters.
 */
export function keysetPage<T, K>(
  sorted: readonly T[],
  query: { cursor?: string; limit?: number },
  options: { cursor: PageCursor<K>; max: number; keyOf: (item: T) => K; compare: Compare<K> },
): { items: T[]; next: string | null } {
  const filters = filtersOf(query);
  const { items, last } = sortedPage(sorted, {
    after: options.cursor.decode(query.cursor, filters),
    limit: pageLimit(query.limit, options.max),
    keyOf: options.keyOf,
    compare: options.compare,
  });
  return { items, next: last === null ? null : options.cursor.encode(last, filters) };
}

export type Compare<K> = (a: K, b: K) => number;

/** Code-unit order: the same on every machine and locale (localeCompare is not). */
export const byCodeUnits: Compare<string> = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** The index of the first item whose key sorts after the cursor's (binary search). */
function firstAfter<T>(sorted: readonly T[], sign: (item: T) => number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sign(sorted[mid]!) > 0) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** The filters' fingerprint: a short hash of their canonical JSON (keys sorted, unset left out). */
function fingerprint(filters: object): string {
  const canonical = JSON.stringify(
    Object.entries(filters)
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => byCodeUnits(a, b)),
  );
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

/** The answer of a list: `{ [itemsKey]: item[], next }` (for responses and the OpenAPI document). */
export function pageOf<K extends string, T extends z.ZodType>(itemsKey: K, item: T) {
  return z.object({
    [itemsKey]: z.array(item),
    next: NEXT,
  } as Record<K, z.ZodArray<T>> & { next: typeof NEXT });
}

/** `next`: the cursor of the following page, null on the last one. */
export const NEXT = z
  .string()
  .nullable()
  .describe('The cursor of the following page (pass it as `cursor`), or null on the last page')
  // One component of the OpenAPI document, referred to by every list's answer.
  .meta({ id: 'PageNext' });

/** The query parameters every list takes, to spread into its query schema. */
export function pagingParams(max = PAGE_MAX) {
  return { limit: q.limit(max).optional(), cursor: q.cursor().optional() };
}

/** The body of every error answer, 4xx and 5xx alike (HttpErrorFilter, the gateway). */
export const ERROR_BODY = z
  .object({
    error: z.object({
      code: z
        .string()
        .describe(
          'A stable, machine-readable code: the domain codes (libs/domain/src/errors.ts, e.g. TWIN_NOT_FOUND, REVISION_CONFLICT) and the HTTP edge codes (QUERY_INVALID, UNAUTHENTICATED, FORBIDDEN, SITE_FORBIDDEN, RATE_LIMITED, JSON_MALFORMED, BODY_TOO_LARGE, CONTENT_TYPE_UNSUPPORTED, ROUTE_NOT_FOUND, METHOD_NOT_ALLOWED, NOT_READY, LOG_UNAVAILABLE, INTERNAL, ...); docs/api-conventions.md and each service guide list them',
        ),
      message: z.string().describe('What went wrong, for a person'),
      details: z
        .record(z.string(), z.unknown())
        .describe(
          "Facts for the caller: `parameter` names a bad query parameter, `problems` a body's",
        ),
    }),
  })
  // One component of the OpenAPI document, referred to by every 4xx and 5xx answer.
  .meta({ id: 'Error' });
