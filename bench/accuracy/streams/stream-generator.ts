// Single-property streams with known anomalies, in the variety the issue lists: 5-minute to
// hourly sampling, daily and weekly cycles, noise of several shapes, drifts, level shifts that
// become the new normal, spikes, dips, stuck sensors, changes of variance or of the daily shape,
// counters and bursty counts. Seeded: the same seed gives the same streams.
import { injectAnomaly, type AnomalyKind } from './stream-anomalies';
import { Rng } from './stream-rng';

export type StreamKind =
  | 'server'
  | 'temperature'
  | 'traffic'
  | 'clicks'
  | 'social'
  | 'counter'
  | 'wander'
  | 'setpoint'
  | 'artificial';

export type NoiseShape = 'gaussian' | 'laplace' | 'student3' | 'multiplicative' | 'quantised';

export interface GeneratedStream {
  name: string;
  kind: StreamKind;
  noise: NoiseShape;
  /** Epoch ms per row. */
  times: number[];
  values: number[];
  /** Row of each labelled anomaly (its onset), ascending. */
  anomalies: number[];
  kinds: AnomalyKind[];
}

const KINDS: StreamKind[] = [
  'server',
  'temperature',
  'traffic',
  'clicks',
  'social',
  'counter',
  'wander',
  'setpoint',
  'artificial',
];
const NOISES: NoiseShape[] = ['gaussian', 'laplace', 'student3', 'multiplicative', 'quantised'];
const INTERVALS_MIN = [5, 5, 10, 15, 60];
const DAY = 86_400_000;

/** `count` streams from `seed`; stream i is the same whatever `count` is. */
export function generateStreams(seed: number, count: number): GeneratedStream[] {
  return Array.from({ length: count }, (_, i) => generateStream(seed * 7919 + i, i));
}

export function generateStream(seed: number, index: number): GeneratedStream {
  const rng = new Rng(seed);
  const kind = KINDS[index % KINDS.length]!;
  const noise = rng.pick(NOISES);
  const minutes = rng.pick(INTERVALS_MIN);
  const length = Math.round(minutes >= 60 ? rng.uniform(1500, 4500) : rng.uniform(2000, 6000));
  const start = Date.UTC(2024, 0, 1) + Math.floor(rng.uniform(0, 7)) * DAY;
  const times = Array.from({ length }, (_, i) => start + i * minutes * 60_000);
  const { values, sd } = baseSignal(kind, noise, times, rng);
  const count = rng.next() < 0.1 ? 0 : 1 + Math.floor(rng.next() * 3.2);
  const rows = anomalyRows(length, count, rng);
  const kinds: AnomalyKind[] = [];
  for (const at of rows) kinds.push(injectAnomaly(kind, values, at, sd, times, rng));
  const name = `${String(index).padStart(3, '0')}-${kind}-${noise}-${minutes}m`;
  return { name, kind, noise, times, values, anomalies: rows, kinds };
}

/** Onsets after the unscored start, spaced by more than a scoring window. */
function anomalyRows(length: number, count: number, rng: Rng): number[] {
  const first = Math.floor(0.2 * length);
  const gap = Math.ceil((0.1 * length) / Math.max(1, count)) + 20;
  const rows: number[] = [];
  for (let tries = 0; rows.length < count && tries < 200; tries++) {
    const at = Math.floor(rng.uniform(first, length - 30));
    if (rows.every((r) => Math.abs(r - at) > gap)) rows.push(at);
  }
  return rows.sort((a, b) => a - b);
}

function dayPhase(t: number): number {
  return (t % DAY) / DAY;
}

function weekend(t: number): boolean {
  const day = new Date(t).getUTCDay();
  return day === 0 || day === 6;
}

/** The normal signal and its typical short-term spread (anomalies are sized from it). */
function baseSignal(
  kind: StreamKind,
  noise: NoiseShape,
  times: number[],
  rng: Rng,
): { values: number[]; sd: number } {
  const level = rng.uniform(-50, 500);
  const scale = Math.exp(rng.uniform(Math.log(0.5), Math.log(50)));
  const daily = (t: number, peak: number) => Math.cos(2 * Math.PI * (dayPhase(t) - peak));
  const shape = rng.uniform(0.2, 0.8);
  let ar = 0;
  const values: number[] = [];
  const sdNoise = scale * rng.uniform(0.1, 0.4);
  for (const t of times) {
    let v: number;
    switch (kind) {
      case 'server':
        v = level + scale * (shape * daily(t, 0.6) - (weekend(t) ? 0.5 : 0));
        break;
      case 'temperature':
        ar = 0.995 * ar + rng.gaussian() * scale * 0.05;
        v = level + scale * daily(t, 0.6) + ar;
        break;
      case 'traffic':
        v = scale * (3 + 2 * daily(t, 0.55) + 0.5 * daily(t * 2, 0.3)) * (weekend(t) ? 0.6 : 1);
        break;
      case 'clicks':
        v = rng.poisson(Math.max(0.05, 2 * (1 + 0.8 * daily(t, 0.6))));
        break;
      case 'social':
        ar = 0.97 * ar + rng.gaussian() * 0.25;
        v = rng.poisson(Math.exp(1.5 + ar + 0.5 * daily(t, 0.7)));
        break;
      case 'counter':
        v = (values[values.length - 1] ?? level) + rng.poisson(5 * (1 + 0.7 * daily(t, 0.5)));
        break;
      case 'wander':
        ar = 0.999 * ar + rng.gaussian() * scale * 0.03;
        v = level + ar;
        break;
      case 'setpoint':
        v = level;
        break;
      case 'artificial':
        v = level + scale * (dayPhase(t) < shape ? 1 : 0);
        break;
    }
    values.push(withNoise(v, kind, noise, sdNoise, rng));
  }
  return { values, sd: spread(values) };
}

function withNoise(v: number, kind: StreamKind, noise: NoiseShape, sd: number, rng: Rng): number {
  if (kind === 'clicks' || kind === 'social' || kind === 'counter') return v;
  const quiet = kind === 'artificial' || kind === 'setpoint' ? 0.2 : 1;
  const s = sd * quiet;
  switch (noise) {
    case 'gaussian':
      return v + s * rng.gaussian();
    case 'laplace':
      return v + (s / Math.SQRT2) * rng.laplace();
    case 'student3':
      return v + s * 0.6 * rng.student3();
    case 'multiplicative':
      return v * (1 + 0.02 * rng.gaussian()) + 0.3 * s * rng.gaussian();
    case 'quantised':
      return Math.round((v + s * rng.gaussian()) / s) * s;
  }
}

/** The median absolute row-to-row change, as a robust short-term spread (never 0). */
function spread(values: number[]): number {
  const d = values
    .slice(1)
    .map((v, i) => Math.abs(v - values[i]!))
    .sort((a, b) => a - b);
  const m = d[Math.floor(d.length / 2)] ?? 0;
  return m > 0 ? m : 1;
}
