/** One reading of a property: its event time (epoch ms) and value. */
export interface Point {
  t: number;
  v: number;
}

/**
 * A property's readings in event-time order, compacted: of three equal values in a row less than
 * `holdMs` apart the middle one is dropped (it says nothing the other two do not, under the
 * hold rule of `heldIntervals`). Readings arriving late are inserted in their place.
 */
export class PointSeries {
  readonly points: Point[] = [];

  constructor(private readonly holdMs: number) {}

  add(t: number, v: number): void {
    const points = this.points;
    const last = points.at(-1);
    if (!last || t > last.t) {
      const before = points.at(-2);
      if (before && last && before.v === v && last.v === v && t - before.t <= this.holdMs) {
        last.t = t;
        return;
      }
      points.push({ t, v });
      return;
    }
    const i = lastAtOrBefore(points, t);
    if (i >= 0 && points[i]!.t === t) {
      points[i]!.v = v; // the same moment read again: the later word stands
      return;
    }
    points.splice(i + 1, 0, { t, v });
  }

  /** Forgets points before `horizon`, keeping the last one before it (the value held into it). */
  forgetBefore(horizon: number): void {
    const i = lastAtOrBefore(this.points, horizon);
    if (i > 0) this.points.splice(0, i);
  }
}

/** Index of the last point at or before t (-1 when none), by binary search. */
export function lastAtOrBefore(points: readonly Point[], t: number): number {
  let low = 0;
  let high = points.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (points[mid]!.t <= t) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

/**
 * How long each value was held within [from, to]: a reading holds until the next one, but at
 * most `holdMs` (a twin silent for longer was not observed: its time counts for nothing).
 */
export function heldIntervals(
  points: readonly Point[],
  from: number,
  to: number,
  holdMs: number,
  each: (value: number, ms: number) => void,
): void {
  for (let i = Math.max(0, lastAtOrBefore(points, from)); i < points.length; i++) {
    const p = points[i]!;
    if (p.t > to) break;
    const next = points[i + 1];
    const end = Math.min(next ? next.t : to, p.t + holdMs, to);
    const start = Math.max(p.t, from);
    if (end > start) each(p.v, end - start);
  }
}

/**
 * What a counter counted in (from, to]: the sum of its steps up from its value at `from` (or
 * its first reading after it); a step down is a reset, and the value after it counts from 0.
 * A step (or a value after a reset) above `maxStep` is implausible (a glitch, a counter swapped):
 * it counts nothing and the counter goes on from the value after it.
 */
export function counted(
  points: readonly Point[],
  from: number,
  to: number,
  maxStep = Infinity,
): number {
  let i = lastAtOrBefore(points, from);
  let previous = i >= 0 ? points[i]!.v : undefined;
  let sum = 0;
  for (i = i + 1; i < points.length && points[i]!.t <= to; i++) {
    const v = points[i]!.v;
    if (previous !== undefined) sum += plausibleStep(previous, v, maxStep);
    previous = v;
  }
  return sum;
}

/** What a counter's move from `previous` to `v` counted: 0 for a glitch above `maxStep`. */
export function plausibleStep(previous: number, v: number, maxStep: number): number {
  const step = v >= previous ? v - previous : v;
  return step > maxStep ? 0 : step;
}
