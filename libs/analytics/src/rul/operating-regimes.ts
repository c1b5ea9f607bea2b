import { seededRandom } from './random';

/** Operating regimes found in the settings columns: where each regime sits, in scaled units. */
export interface OperatingRegimes {
  /** Per setting: divide by this before measuring distance (the setting's training range). */
  scale: number[];
  centers: number[][];
}

export const SINGLE_REGIME = (settings: number): OperatingRegimes => ({
  scale: Array<number>(settings).fill(1),
  centers: [Array<number>(settings).fill(0)],
});

const MAX_REGIMES = 10;
/**
 * A clustering "explains" the settings when less than 0.1% of their spread is left inside
 * clusters: true regimes leave only sensor jitter (FD002: about 1e-7). At 1% two neighbouring
 * FD004 conditions (35 and 42 of setting 1) passed as one.
 */
const EXPLAINED = 1e-3;
const SAMPLE = 4000;

/**
 * Finds discrete operating conditions (C-MAPSS FD002/FD004 fly at 6) by k-means on the range-
 * scaled settings, taking the smallest k that leaves under 0.1% of the spread within clusters.
 * Settings that only jitter around one point (FD001/FD003) never pass that test and stay one regime.
 */
export function findOperatingRegimes(points: number[][], seed: number): OperatingRegimes {
  const dims = points[0]?.length ?? 0;
  const scale = Array.from({ length: dims }, (_, d) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of points) {
      lo = Math.min(lo, p[d]!);
      hi = Math.max(hi, p[d]!);
    }
    return hi - lo > 1e-12 ? hi - lo : 1;
  });
  // A strided sample is plenty to place a handful of centres and keeps the search quick.
  const stride = Math.max(1, Math.floor(points.length / SAMPLE));
  const scaled = points
    .filter((_, i) => i % stride === 0)
    .map((p) => p.map((x, d) => x / scale[d]!));
  const total = withinSpread(scaled, [meanOf(scaled)]);
  if (total < 1e-12) return { scale, centers: [scaled[0] ?? Array<number>(dims).fill(0)] };
  const random = seededRandom(seed);
  for (let k = 2; k <= Math.min(MAX_REGIMES, scaled.length); k++) {
    const centers = kMeans(scaled, k, random);
    if (withinSpread(scaled, centers) / total < EXPLAINED) return { scale, centers };
  }
  return { scale, centers: [meanOf(scaled)] };
}

export function regimeOf(regimes: OperatingRegimes, setting: number[]): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let i = 0; i < regimes.centers.length; i++) {
    const center = regimes.centers[i]!;
    let distance = 0;
    for (let d = 0; d < center.length; d++)
      distance += (setting[d]! / regimes.scale[d]! - center[d]!) ** 2;
    if (distance < bestDistance) [best, bestDistance] = [i, distance];
  }
  return best;
}

/** Lloyd's algorithm from a k-means++ start; the best of a few starts. */
function kMeans(points: number[][], k: number, random: () => number): number[][] {
  let best: number[][] = [];
  let bestSpread = Infinity;
  for (let start = 0; start < 3; start++) {
    let centers = plusPlusStart(points, k, random);
    const unscaled = { scale: centers[0]!.map(() => 1), centers };
    for (let iteration = 0; iteration < 50; iteration++) {
      unscaled.centers = centers;
      const groups = centers.map(() => [] as number[][]);
      for (const p of points) groups[regimeOf(unscaled, p)]!.push(p);
      const next = groups.map((g, i) => (g.length > 0 ? meanOf(g) : centers[i]!));
      const moved = next.some((c, i) => c.some((x, d) => Math.abs(x - centers[i]![d]!) > 1e-9));
      centers = next;
      if (!moved) break;
    }
    const spread = withinSpread(points, centers);
    if (spread < bestSpread) [best, bestSpread] = [centers, spread];
  }
  return best;
}

function plusPlusStart(points: number[][], k: number, random: () => number): number[][] {
  const centers = [points[Math.floor(random() * points.length)]!];
  while (centers.length < k) {
    const distances = points.map((p) => nearestSquared(p, centers));
    const sum = distances.reduce((s, d) => s + d, 0);
    let pick = random() * sum;
    let chosen = points.length - 1;
    for (let i = 0; i < distances.length; i++) {
      pick -= distances[i]!;
      if (pick <= 0) {
        chosen = i;
        break;
      }
    }
    centers.push(points[chosen]!);
  }
  return centers.map((c) => [...c]);
}

function nearestSquared(p: number[], centers: number[][]): number {
  let best = Infinity;
  for (const c of centers) {
    let d = 0;
    for (let i = 0; i < c.length; i++) d += (p[i]! - c[i]!) ** 2;
    best = Math.min(best, d);
  }
  return best;
}

function withinSpread(points: number[][], centers: number[][]): number {
  return points.reduce((s, p) => s + nearestSquared(p, centers), 0);
}

function meanOf(points: number[][]): number[] {
  const mean = Array<number>(points[0]?.length ?? 0).fill(0);
  for (const p of points) for (let d = 0; d < mean.length; d++) mean[d]! += p[d]! / points.length;
  return mean;
}
