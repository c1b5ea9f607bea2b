import {
  BucketHistory,
  DEFAULT_BUCKET_HISTORY,
  type Bucket,
  type BucketHistorySettings,
} from './bucket-history';
import type { IndicatorSpec } from './health-indicators';
import { normalCdf } from './normal-cdf';
import { fitWeightedLine, lineAt, type LineFit } from './weighted-line';

export interface DegradationSettings {
  history: BucketHistorySettings;
  /** Finest buckets after a reset whose median is the healthy reference. */
  baselineBuckets: number;
  /** Buckets a trend is fitted on, at least. */
  minFitBuckets: number;
  /** A window fits when its residuals exceed the noise by at most this many standard errors. */
  fitTolerance: number;
  /**
   * Real degradation speeds up and stalls beyond what one fitted trend shows: the rate is
   * taken as uncertain by a log-normal factor of this spread (0.5: within x0.53-x1.9 at
   * P10-P90) on top of the fit's own uncertainty.
   */
  rateSpread: number;
  /** Finest buckets averaged for the current level. */
  levelBuckets: number;
  /** Standard errors by which a rate must exceed zero to count as degradation. */
  significance: number;
  /**
   * How far towards the threshold (0 reference, 1 threshold) the level must have come before a
   * trend is extrapolated: below it, wander of a healthy signal is not mistaken for wear.
   */
  onsetPosition: number;
}

export const DEFAULT_DEGRADATION: DegradationSettings = {
  history: DEFAULT_BUCKET_HISTORY,
  baselineBuckets: 12,
  minFitBuckets: 12,
  fitTolerance: 2,
  rateSpread: 0.5,
  levelBuckets: 3,
  significance: 3,
  onsetPosition: 0.2,
};

export type TrendFamily = 'linear' | 'exponential';

/**
 * A degradation law, linear in some transform z of the position p (0 at the reference, 1 at
 * the threshold): linear, p = a + b t; or exponential from a floor `floor` spans below the
 * reference, p + floor = exp(a + b t) (floor 0.03: flat, then sharply accelerating, as
 * bearings go; floor 1: barely curved).
 */
interface Law {
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

export interface IndicatorState {
  spec: IndicatorSpec;
  reference: number;
  /** The smoothed current level (model unit) and its position: 0 at the reference, 1 at the threshold. */
  level: number;
  position: number;
  trend: IndicatorTrend | undefined;
  /** A significant trend towards the threshold, past the onset: its end of life is extrapolated. */
  degrading: boolean;
  /** Change of the level per hour, model unit (0 without a trend). */
  ratePerHour: number;
  /** Probability that the indicator has reached its threshold `hours` from now. */
  failedBy(hours: number): number;
}

const HOUR_MS = 3_600_000;
/** Seven-point Gauss-Hermite nodes and weights for an expectation over a standard normal. */
const HERMITE: Array<[number, number]> = [
  [-3.750439717725742, 0.000548268855972],
  [-2.366759410734541, 0.030757123967586],
  [-1.154405394739968, 0.240123178605013],
  [0, 0.457142857142857],
  [1.154405394739968, 0.240123178605013],
  [2.366759410734541, 0.030757123967586],
  [3.750439717725742, 0.000548268855972],
];
/** Above the floor by at least a tenth of it: a noisy reading under the floor stays defined. */
const lifted = (law: Law, p: number) => Math.max(p + law.floor, law.floor / 10);
const toZ = (law: Law, p: number) => (law.family === 'linear' ? p : Math.log(lifted(law, p)));

/**
 * The degradation of one health indicator, streaming: a bounded history of its level since the
 * last reset, the healthy reference learned from its first buckets, and a trend fitted on the
 * longest recent window that one degradation law (linear, or exponential) explains to within
 * the noise. Extrapolating the trend to the threshold, with the fit's uncertainty, gives the
 * probability of having failed by any horizon; the band tightens as the threshold nears
 * because the extrapolation shortens.
 */
export class DegradationTrack {
  private history: BucketHistory;
  /** The first buckets' means since the reset, until the reference is fixed. */
  private baseline: Array<{ first: number; sum: number; count: number }> = [];
  private reference: number | undefined;

  constructor(
    readonly spec: IndicatorSpec,
    private readonly settings: DegradationSettings = DEFAULT_DEGRADATION,
  ) {
    this.history = new BucketHistory(settings.history);
  }

  observe(at: number, value: number): void {
    this.history.add(at, value);
    if (this.reference === undefined) this.learnBaseline(at, value);
  }

  /** A replaced or repaired part: forget everything before `at`, the reference included. */
  reset(at: number): void {
    this.history.dropBefore(at);
    this.reference = undefined;
    this.baseline = this.history
      .recent()
      .slice(0, this.settings.baselineBuckets)
      .map((b) => ({ first: b.first, sum: b.mean * b.count, count: b.count }));
    this.fixReferenceIfLearned();
  }

  /** Serviced (lubricated, recalibrated): the old trend no longer applies; the reference stays. */
  restartTrend(at: number): void {
    this.history.dropBefore(at);
  }

  get newestAt(): number | undefined {
    return this.history.newestAt;
  }

  /** The smoothed current level: the mean of the newest finest buckets (cheap: no fit). */
  currentLevel(): number | undefined {
    const last = this.history.recent().slice(-this.settings.levelBuckets);
    if (last.length === 0) return undefined;
    return last.reduce((s, b) => s + b.mean * b.count, 0) / last.reduce((s, b) => s + b.count, 0);
  }

  /** The indicator now (as of the newest reading); undefined before any reading. */
  state(spec: IndicatorSpec = this.spec): IndicatorState | undefined {
    const now = this.history.newestAt;
    const level = this.currentLevel();
    if (now === undefined || level === undefined) return undefined;
    const reference = this.referenceFor(spec);
    const span = spec.threshold - reference;
    const position = (x: number) => (x - reference) / span;
    const trend = this.fitTrend(now, position);
    const p = position(level);
    const ratePerHour = trend
      ? (trend.family === 'linear' ? 1 : lifted(trend, p)) * trend.fit.slope * span
      : 0;
    const zFail = trend ? toZ(trend, 1) : 0;
    const { rateSpread } = this.settings;
    // Not while the reference is still being learned: start-up transients are not wear.
    const degrading =
      this.reference !== undefined &&
      trend !== undefined &&
      trend.significant &&
      p >= this.settings.onsetPosition;
    return {
      spec,
      reference,
      level,
      position: p,
      trend,
      degrading,
      ratePerHour,
      failedBy: (hours) => {
        if (p >= 1) return 1;
        // No degradation shown beyond the noise: no end of life to extrapolate to.
        if (!degrading) return 0;
        const { variance } = lineAt(trend.fit, hours);
        const sd = Math.sqrt(variance);
        const dx = hours - trend.fit.origin;
        // E over the rate factor exp(spread * u), u ~ N(0, 1), by Gauss-Hermite quadrature.
        let failed = 0;
        for (let k = 0; k < HERMITE.length; k++) {
          const [u, weight] = HERMITE[k]!;
          const mean = trend.fit.level + trend.fit.slope * Math.exp(rateSpread * u) * dx;
          failed += weight * (sd > 0 ? normalCdf((mean - zFail) / sd) : mean >= zFail ? 1 : 0);
        }
        return Math.min(1, failed);
      },
    };
  }

  private referenceFor(spec: IndicatorSpec): number {
    const learned = this.reference ?? median(this.baseline.map((b) => b.sum / b.count));
    const value = learned ?? spec.referenceCap;
    // A component first seen degraded: its reference is the edge of normal, not its own level.
    return spec.direction === 1
      ? Math.min(value, spec.referenceCap)
      : Math.max(value, spec.referenceCap);
  }

  private learnBaseline(at: number, value: number): void {
    const current = this.baseline[this.baseline.length - 1];
    if (current && at >= current.first && at < current.first + this.settings.history.bucketMs) {
      current.sum += value;
      current.count += 1;
      return;
    }
    if (this.baseline.length >= this.settings.baselineBuckets) {
      this.fixReferenceIfLearned();
      return;
    }
    this.baseline.push({ first: at, sum: value, count: 1 });
  }

  private fixReferenceIfLearned(): void {
    if (this.baseline.length >= this.settings.baselineBuckets) {
      this.reference = median(this.baseline.map((b) => b.sum / b.count));
    }
  }

  /**
   * The longest recent window (halving from the whole history) that a degradation law fits to
   * within the noise, with the law that fits it best; failing that, the best-fitting window.
   * Noise is the finest buckets' scatter in position; an exponential law's fit is weighted by
   * its slope, so that scatter counts the same in every transform and the laws compare.
   */
  private fitTrend(now: number, position: (x: number) => number): IndicatorTrend | undefined {
    const buckets = this.history.buckets();
    const { minFitBuckets, fitTolerance } = this.settings;
    if (buckets.length < minFitBuckets) return undefined;
    const hours = buckets.map((b) => ((b.first + b.last) / 2 - now) / HOUR_MS);
    const positions = buckets.map((b) => position(b.mean));
    const noise = fineNoise(this.history.recent().map((b) => position(b.mean)));
    let best: { trend: IndicatorTrend; excess: number } | undefined;
    for (let window = -hours[0]! * 1.0001 + 1e-9; ; window /= 2) {
      const from = hours.findIndex((h) => h >= -window);
      const n = buckets.length - from;
      if (from < 0 || n < minFitBuckets) break;
      let accepted: { trend: IndicatorTrend; excess: number } | undefined;
      for (const law of LAWS) {
        const fit = fitLaw(
          law,
          hours.slice(from),
          positions.slice(from),
          buckets.slice(from),
          noise,
        );
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
    best.trend.significant = fit.slope > this.settings.significance * Math.sqrt(fit.varSlope);
    return best.trend;
  }
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

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
