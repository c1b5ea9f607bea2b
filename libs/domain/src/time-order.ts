/**
 * True when ISO timestamp `a` is strictly earlier than `b`. UTC timestamps of the same shape
 * (the common case) compare as strings, which is exact and avoids parsing on the hot path.
 */
export function isEarlier(a: string, b: string): boolean {
  if (a.length === b.length && a.endsWith('Z') && b.endsWith('Z')) return a < b;
  return Date.parse(a) < Date.parse(b);
}
