/**
 * The dashboard's place is its URL: the page in the path, its state (a twin, a time, a chart
 * range, a filter) in the query, so links are shareable and Back works. Pure helpers; the
 * browser side is router.ts.
 */
export interface Place {
  path: string;
  query: Record<string, string>;
}

export function placeOf(pathname: string, search: string): Place {
  const query: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of new URLSearchParams(search)) query[key] = value;
  return { path: pathname || '/', query };
}

export function hrefOf(path: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, value);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export interface Route<P> {
  /** Path segments; `:name` captures one (decoded). */
  pattern: string;
  page: P;
}

export interface Match<P> {
  page: P;
  params: Record<string, string>;
}

/** The first route whose pattern the path fits. */
export function matchRoute<P>(routes: ReadonlyArray<Route<P>>, path: string): Match<P> | undefined {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const wanted = route.pattern.split('/').filter(Boolean);
    if (wanted.length !== parts.length) continue;
    const params: Record<string, string> = Object.create(null) as Record<string, string>;
    const fits = wanted.every((segment, i) => {
      const actual = parts[i]!;
      if (!segment.startsWith(':')) return segment === actual;
      try {
        params[segment.slice(1)] = decodeURIComponent(actual);
        return true;
      } catch {
        return false; // malformed percent-encoding: no match, the not-found page
      }
    });
    if (fits) return { page: route.page, params };
  }
  return undefined;
}

/** Moves committed closer together than this (a run of arrow keys) share one history entry. */
export const HISTORY_RUN_MS = 1_000;

/**
 * Whether a committed change of a page's state (a slider moment, a chart zoom or preset) gets a
 * history entry of its own, so Back restores the previous one: yes, unless it follows the last
 * one within HISTORY_RUN_MS (then it replaces it). Changes still in progress (a drag, typing in a
 * filter) always replace.
 */
export function historyStep(lastPushMs: number | undefined, nowMs: number): 'push' | 'replace' {
  return lastPushMs !== undefined && nowMs - lastPushMs >= 0 && nowMs - lastPushMs < HISTORY_RUN_MS
    ? 'replace'
    : 'push';
}
