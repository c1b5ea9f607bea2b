import { bounded, TwinlogError, type ErrorCode } from '@twinlog/domain';
import {
  byCodeUnits,
  keysetPage,
  PAGE_MAX,
  PageCursor,
  type Compare,
  type Principal,
} from '@twinlog/service-kit';
import { z } from 'zod';

/** The alerting lists' pages (docs/api-conventions.md): keyset pages on (time, id). */
type TimeKey = [time: string, id: string];
const position = z.tuple([z.string().max(64), z.string().max(256)]);

const oldestFirst: Compare<TimeKey> = (a, b) => byCodeUnits(a[0], b[0]) || byCodeUnits(a[1], b[1]);
const newestFirst: Compare<TimeKey> = (a, b) => oldestFirst(b, a);

/** One list's paging: its cursor, its order on (time, id), and the page of a query. */
export function timeOrderedList<T>(
  list: string,
  keyOf: (item: T) => TimeKey,
  order: 'newest-first' | 'oldest-first',
) {
  const cursor = new PageCursor(list, position);
  const compare = order === 'newest-first' ? newestFirst : oldestFirst;
  return (items: readonly T[], query: { cursor?: string; limit?: number }) =>
    keysetPage(
      // The engine sorts already; sorting here makes the keyset order this list's own.
      [...items].sort((a, b) => compare(keyOf(a), keyOf(b))),
      query,
      { cursor, max: PAGE_MAX, keyOf, compare },
    );
}

/**
 * Who did it, for the record: the caller's principal id. On a demo without authentication that
 * is `anonymous` (as in twin-state's trail), never null: null says Twinlog did it by itself.
 */
export function callerActor(caller: Principal): string {
  return caller.id;
}

/**
 * A path id no item can have (longer than any id the engine makes) is the item's 404 at once;
 * the rest go to the engine, whose maps answer `__proto__` as unknown like any other name.
 */
export function pathId(id: string, code: ErrorCode, what: string): string {
  if (id.length === 0 || id.length > 256)
    throw new TwinlogError(code, `No ${what} ${JSON.stringify(bounded(id))}`, { id: bounded(id) });
  return id;
}
