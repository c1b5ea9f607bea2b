import { normalCdf } from './normal-cdf';

/**
 * Where the truth fell in past predictions' own distributions of the end of life, as normal
 * scores: for a prediction with distribution function F and a true time left T, the score is
 * Φ⁻¹(F(T)) (the probability integral transform on the normal scale). A model whose band is
 * honest gives scores that are standard normal; real degradation that accelerates and stalls
 * beyond the fitted trend gives scores spread wider (and shifted when the trend is biased).
 * The band is then read off the model's own distribution at the levels where the truth's
 * 10 %, 50 % and 90 % actually fell: a conformal calibration on the probability scale, which
 * keeps the model's shape (narrow when failure is near and the trend clear, wide otherwise).
 */
export interface BandCalibration {
  /** The 10 %, 50 % and 90 % quantiles of past predictions' normal scores (increasing). */
  low: number;
  mid: number;
  high: number;
  /** What it was learned from, in words (shown nowhere; for the settings' reader). */
  source: string;
}

/** The model's distribution taken at its word: P10/P50/P90 at 10 %, 50 %, 90 %. */
export const UNCALIBRATED: BandCalibration = {
  low: -1.2815515655446004,
  mid: 0,
  high: 1.2815515655446004,
  source: 'the model as it is (no calibration)',
};

/**
 * The default for a machine with no run-to-failure history of its own: centred (the model's
 * median stays; which way a new machine type's trend errs is not known before it has failed a
 * few times), as wide as the truth's scores were on the four IMS bearings that reached their
 * failure limit (`npm run bench:ims` prints it): real degradation accelerates and stalls beyond
 * one fitted trend, about twice as much as the fit's own uncertainty says. On a clean trend
 * (tool wear) the fit's spread is small, so this costs little; on a bearing it is what holds.
 */
export const DEFAULT_BAND_CALIBRATION: BandCalibration = {
  low: -2.32,
  mid: 0,
  high: 2.32,
  source: 'IMS bearings: the 4 runs to the failure limit, centred',
};

/** The probability levels at which the calibrated P10, P50 and P90 are read off the model. */
export function calibratedLevels(c: Pick<BandCalibration, 'low' | 'mid' | 'high'>): {
  p10: number;
  p50: number;
  p90: number;
} {
  return { p10: normalCdf(c.low), p50: normalCdf(c.mid), p90: normalCdf(c.high) };
}

/** Φ⁻¹ by bisection on normalCdf (the two agree exactly); clamped to ±8 at 0 and 1. */
export function normalScore(p: number): number {
  if (!(p > 0)) return -8;
  if (!(p < 1)) return 8;
  let lo = -8;
  let hi = 8;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * A calibration from the normal scores of past predictions, grouped by run (one machine's
 * life): each run weighs the same whatever its number of predictions, so a long slow run does
 * not stand for the fleet. The runs are the exchangeable units, so the tails are taken at
 * 10 % x n / (n + 1) for n runs (the split-conformal correction, which widens a band learned
 * from few runs: 7.5 % from 3, 9 % from 10).
 */
export function learnBandCalibration(
  runs: ReadonlyArray<readonly number[]>,
  source: string,
  { centred = false }: { centred?: boolean } = {},
): BandCalibration {
  const points = runs
    .filter((r) => r.length > 0)
    .flatMap((r) =>
      r.map((score) => ({ score: centred ? Math.abs(score) : score, weight: 1 / r.length })),
    );
  if (points.length === 0) return UNCALIBRATED;
  points.sort((a, b) => a.score - b.score);
  const total = points.reduce((s, p) => s + p.weight, 0);
  const quantile = (q: number) => {
    let sum = 0;
    for (const p of points) {
      sum += p.weight;
      if (sum >= q * total) return p.score;
    }
    return points[points.length - 1]!.score;
  };
  const n = runs.filter((r) => r.length > 0).length;
  const tail = (0.1 * n) / (n + 1);
  if (centred) {
    // Symmetric about the model's median: as wide as 1 - 2 x tail of the truths' |score|.
    const width = Math.max(0.1, quantile(1 - 2 * tail));
    return { low: -width, mid: 0, high: width, source };
  }
  const low = quantile(tail);
  const mid = quantile(0.5);
  const high = quantile(1 - tail);
  return { low: Math.min(low, mid - 0.1), mid, high: Math.max(high, mid + 0.1), source };
}
