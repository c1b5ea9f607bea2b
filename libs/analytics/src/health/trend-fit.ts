import type { BucketHistory, Bucket } from './bucket-history';
import type { DegradationSettings } from './degradation-settings';
import { median } from './median';
import { fitWeightedLine, lineAt, type LineFit } from './weighted-line';

const HOUR_MS = 3_600_000;

export type TrendFamily = 'linear' | 'exponential';

/**
 * A degradation law, linear in some transform z of the position p (0 at the reference, 1 at
 * the threshold): linear, p = a + b t; or exponential from a floor `floor` spans below the
 * reference, p + floor = exp(a + b t) (floor 0.03: flat, then sharply accelerating, as
 * bearings go; floor 1: barely curved).
 */
export interface Law {
  family: TrendFamily;
  floor: number;
}

const LAWS: Law[] = [
  { family: 'linear', floor: 0 },
  ...[0.03, 0.1, 0.3, 1].map((floor) => ({ family: 'exponential' as const, floor })),
];

/** One indicator's trend as fitted now, in the law's z (time in hours from the newest reading). */
export interface IndicatorTrend {
  family: TrendFamily;
  /** The exponential law's floor, in spans below the reference (0 for linear). */
  floor: number;
  fit: LineFit;
  /** Hours of history the fit uses (the longest recent window one law explains). */
  windowHours: number;
  /** The rate is positive (towards failure) beyond `significance` standard errors. */
  significant: boolean;
}

/** Above the floor by at least a tenth of it: a noisy reading under the floor stays defined. */
export const lifted = (law: Law, p: number) => Math.max(p + law.floor, law.floor / 10);
export const toZ = (law: Law, p: number) =>
  law.family === 'linear' ? p : Math.log(lifted(law, p));

/**
 * The longest recent window (halving from the whole history) that a degradation law fits to
 * within the noise, with the law that fits it best; failing that, the best-fitting window.
 * Noise is the finest buckets' scatter in position; an exponential law's fit is weighted by
 * its slope, so that scatter counts the same in every transform and the laws compare.
 */
export function fitTrend(
  history: BucketHistory,
  now: number,
  position: (x: number) => number,
  settings: Pick<DegradationSettings, 'minFitBuckets' | 'fitTolerance' | 'significance'>,
): IndicatorTrend | undefined {
  const buckets = history.buckets();
  const { minFitBuckets, fitTolerance } = settings;
  if (buckets.length < minFitBuckets) return undefined;
  const hours = buckets.map((b) => ((b.first + b.last) / 2 - now) / HOUR_MS);
  const positions = buckets.map((b) => position(b.mean));
  const noise = fineNoise(history.recent().map((b) => position(b.mean)));
  let best: { trend: IndicatorTrend; excess: number } | undefined;
  for (let window = -hours[0]! * 1.0001 + 1e-9; ; window /= 2) {
    const from = hours.findIndex((h) => h >= -window);
    const n = buckets.length - from;
    if (from < 0 || n < minFitBuckets) break;
    let accepted: { trend: IndicatorTrend; excess: number } | undefined;
    for (const law of LAWS) {
      const fit = fitLaw(law, hours.slice(from), positions.slice(from), buckets.slice(from), noise);
      if (!fit) continue;
      const dof = n - 2;
      const ratio = noise > 0 ? fit.rss / dof / noise : 1;
      const excess = (ratio - 1) / Math.sqrt(2 / dof);
      const trend = { ...law, fit, windowHours: window, significant: false };
      if (!best || excess < best.excess) best = { trend, excess };
      if (excess <= fitTolerance && (!accepted || excess < accepted.excess)) {
        accepted = { trend, excess };
      }
    }
    if (accepted) {
      best = accepted;
      break;
    }
    if (n === minFitBuckets) break;
  }
  if (!best) return undefined;
  const { fit } = best.trend;
  best.trend.significant = fit.slope > settings.significance * Math.sqrt(fit.varSlope);
  return best.trend;
}

/**
 * Weighted least squares in the law's z. For the exponential law a bucket's weight is scaled
 * by (p + floor)^2, the square of dp/dz, taken at the fitted position after a first pass.
 */
function fitLaw(
  law: Law,
  hours: number[],
  positions: number[],
  buckets: Bucket[],
  noise: number,
): LineFit | undefined {
  const z = positions.map((p) => toZ(law, p));
  const spans = buckets.map((b) => b.span);
  if (law.family === 'linear') return fitWeightedLine(hours, z, spans, noise);
  const first = fitWeightedLine(
    hours,
    z,
    spans.map((w, i) => w * lifted(law, positions[i]!) ** 2),
    noise,
  );
  if (!first) return undefined;
  return fitWeightedLine(
    hours,
    z,
    spans.map((w, i) => w * Math.exp(2 * lineAt(first, hours[i]!).mean)),
    noise,
  );
}

/**
 * The variance of one finest bucket around the trend, from successive differences (a trend
 * barely moves them), robustly: a spike does not make every fit look good.
 */
function fineNoise(positions: number[]): number {
  if (positions.length < 4) return 0;
  const diffs: number[] = [];
  for (let i = 1; i < positions.length; i++) diffs.push(positions[i]! - positions[i - 1]!);
  const mid = median(diffs)!;
  const mad = median(diffs.map((d) => Math.abs(d - mid)))!;
  const sd = 1.4826 * mad;
  return (sd * sd) / 2;
}
