import type { TimedValue } from '../model/physics-model';

/** One property's readings in time order: t in seconds relative to the run's start. */
export interface Series {
  t: Float64Array;
  v: Float64Array;
}

export function seriesOf(readings: readonly TimedValue[], property: string): Series {
  const mine = readings.filter((r) => r.property === property).sort((a, b) => a.t - b.t);
  return {
    t: Float64Array.from(mine, (r) => r.t),
    v: Float64Array.from(mine, (r) => r.value),
  };
}

/**
 * The value each of `times` (ascending) saw: the latest reading at or before it, held
 * (sample-and-hold, what the plant's controller saw); before the first reading, the first.
 */
export function heldAt(series: Series, times: Float64Array): Float64Array {
  const out = new Float64Array(times.length);
  if (series.t.length === 0) return out.fill(Number.NaN);
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    while (j + 1 < series.t.length && series.t[j + 1]! <= times[i]!) j++;
    out[i] = series.v[j]!;
  }
  return out;
}

/** All distinct times of the given series, ascending: the grid a driven fit steps over. */
export function unionTimes(...series: Series[]): Float64Array {
  const all = series.flatMap((s) => Array.from(s.t));
  all.sort((a, b) => a - b);
  const out: number[] = [];
  for (const t of all) if (out.length === 0 || t > out[out.length - 1]!) out.push(t);
  return Float64Array.from(out);
}

/** Indices in `grid` of each of `times` (each time is in the grid). */
export function indicesIn(grid: Float64Array, times: Float64Array): Int32Array {
  const out = new Int32Array(times.length);
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    while (grid[j]! < times[i]!) j++;
    out[i] = j;
  }
  return out;
}
