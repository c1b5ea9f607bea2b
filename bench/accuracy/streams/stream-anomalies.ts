// The anomalies the generator injects, sized from the stream's own short-term spread `sd`, so
// that each is plain to an operator looking at the chart (the benchmark's labels are human).
import type { StreamKind } from './stream-generator';
import type { Rng } from './stream-rng';

export type AnomalyKind =
  | 'spike'
  | 'dip'
  | 'level-shift'
  | 'drift'
  | 'stuck'
  | 'variance'
  | 'season-shape'
  | 'burst'
  | 'stall'
  | 'reset';

const DAY = 86_400_000;
const GENERAL: AnomalyKind[] = ['spike', 'dip', 'level-shift', 'drift', 'stuck', 'variance'];
const COUNTS: AnomalyKind[] = ['burst', 'burst', 'dip', 'level-shift', 'stuck', 'spike'];
const COUNTER: AnomalyKind[] = ['burst', 'stall', 'reset'];

/** Changes `values` in place from row `at`; returns what it injected. */
export function injectAnomaly(
  kind: StreamKind,
  values: number[],
  at: number,
  sd: number,
  times: number[],
  rng: Rng,
): AnomalyKind {
  if (kind === 'counter') return injectInCounter(values, at, rng);
  const seasonal = kind === 'server' || kind === 'temperature' || kind === 'traffic';
  const menu =
    kind === 'clicks' || kind === 'social'
      ? COUNTS
      : seasonal
        ? [...GENERAL, 'season-shape' as const]
        : GENERAL;
  const what = rng.pick(menu);
  const n = values.length;
  const sign = rng.next() < 0.5 ? -1 : 1;
  const rowsPerDay = Math.max(1, Math.round(DAY / (times[1]! - times[0]!)));
  switch (what) {
    case 'spike':
    case 'dip': {
      const size = (what === 'spike' ? 1 : -1) * rng.uniform(8, 15) * sd;
      const width = 1 + Math.floor(rng.next() * 3);
      for (let i = at; i < Math.min(n, at + width); i++) values[i]! += size;
      break;
    }
    case 'level-shift': {
      const size = sign * rng.uniform(6, 12) * sd;
      for (let i = at; i < n; i++) values[i]! += size;
      break;
    }
    case 'drift': {
      const ramp = Math.floor(rng.uniform(0.25, 1) * rowsPerDay);
      const size = sign * rng.uniform(10, 20) * sd;
      for (let i = at; i < n; i++) values[i]! += size * Math.min(1, (i - at + 1) / ramp);
      break;
    }
    case 'stuck': {
      const length = Math.floor(rng.uniform(0.15, 0.6) * rowsPerDay) + 12;
      const held = values[at - 1]!;
      for (let i = at; i < Math.min(n, at + length); i++) values[i] = held;
      break;
    }
    case 'variance': {
      const length = Math.floor(rng.uniform(0.3, 1.5) * rowsPerDay) + 20;
      for (let i = at; i < Math.min(n, at + length); i++)
        values[i]! += rng.uniform(4, 6) * sd * rng.gaussian();
      break;
    }
    case 'season-shape': {
      // The daily cycle shifts by a quarter of a day: each value is what normally comes later.
      const shift = Math.round(rowsPerDay / 4);
      const copy = values.slice();
      for (let i = at; i < n; i++) values[i] = copy[Math.min(n - 1, i + shift)]!;
      break;
    }
    case 'burst': {
      const length = 3 + Math.floor(rng.next() * 20);
      const factor = rng.uniform(4, 8);
      for (let i = at; i < Math.min(n, at + length); i++)
        values[i] = Math.round(values[i]! * factor + factor * sd);
      break;
    }
    case 'stall':
    case 'reset':
      break;
  }
  return what;
}

function injectInCounter(values: number[], at: number, rng: Rng): AnomalyKind {
  const what = rng.pick(COUNTER);
  const steps = values.map((v, i) => (i === 0 ? v : v - values[i - 1]!));
  const n = values.length;
  if (what === 'burst') {
    const factor = rng.uniform(4, 8);
    for (let i = at; i < Math.min(n, at + 5 + Math.floor(rng.next() * 20)); i++)
      steps[i]! *= factor;
  } else if (what === 'stall') {
    for (let i = at; i < Math.min(n, at + 20 + Math.floor(rng.next() * 60)); i++) steps[i] = 0;
  } else {
    steps[at] = -(values[at - 1]! - steps[0]!); // back to the starting count
  }
  for (let i = 1; i < n; i++) values[i] = values[i - 1]! + steps[i]!;
  return what;
}
