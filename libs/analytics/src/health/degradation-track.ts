import { bandOf, worse, type HealthBand } from '@twinlog/domain';
import { BucketHistory } from './bucket-history';
import { DEFAULT_DEGRADATION, type DegradationSettings } from './degradation-settings';
import { probabilityFailedBy } from './failure-probability';
import type { IndicatorSpec } from './health-indicators';
import { median } from './median';
import { atThreshold, meanRateFailedBy } from './past-limit';
import { fitTrend, lifted, toZ, type IndicatorTrend } from './trend-fit';

export interface IndicatorState {
  spec: IndicatorSpec;
  reference: number;
  /** The smoothed current level (model unit) and its position: 0 at the reference, 1 at the threshold. */
  level: number;
  position: number;
  trend: IndicatorTrend | undefined;
  /**
   * The limit state: the worst of the smoothed level's band and the band an open limits anomaly
   * reports for the property (a reading the anomaly service saw cross, ahead of the smoothing).
   */
  limitBand: HealthBand;
  /** At its threshold by the smoothed level or an open limits anomaly. */
  pastThreshold: boolean;
  /** A significant trend towards the threshold, past the onset: its end of life is extrapolated. */
  degrading: boolean;
  /**
   * A limit crossed (an open limits anomaly) without such a trend: the life is extrapolated at
   * the mean rate since the level last sat at its reference (never "no degradation").
   */
  meanRate: boolean;
  /** Change of the level per hour, model unit (0 without a trend). */
  ratePerHour: number;
  /** Probability that the indicator has reached its threshold `hours` from now. */
  failedBy(hours: number): number;
}

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

  /**
   * The indicator now (as of the newest reading); undefined before any reading. `reported` is
   * the band an open limits anomaly says a reading of the property reached.
   */
  state(spec: IndicatorSpec = this.spec, reported: HealthBand = 'normal'): IndicatorState | undefined {
    const now = this.history.newestAt;
    const level = this.currentLevel();
    if (now === undefined || level === undefined) return undefined;
    const reference = this.referenceFor(spec);
    const span = spec.threshold - reference;
    const position = (x: number) => (x - reference) / span;
    const trend = fitTrend(this.history, now, position, this.settings);
    const p = position(level);
    const ratePerHour = trend
      ? (trend.family === 'linear' ? 1 : lifted(trend, p)) * trend.fit.slope * span
      : 0;
    const zFail = trend ? toZ(trend, 1) : 0;
    const { rateSpread } = this.settings;
    const limitBand = worse(bandOf(level, spec.limits), reported) as HealthBand;
    const pastThreshold = p >= 1 || atThreshold(spec, limitBand);
    // An open limits episode is the anomaly service's word that a reading crossed a limit.
    const reportedPast = reported !== 'normal';
    // Not while the reference is still being learned (start-up transients are not wear), unless
    // a limit was crossed: that is no transient to wait out.
    const degrading =
      (this.reference !== undefined || reportedPast) &&
      trend !== undefined &&
      trend.significant &&
      p >= this.settings.onsetPosition;
    const since = now - this.lastHealthyAt(position, now);
    // With a limit crossed and no trend, never "no degradation": the mean rate so far.
    const meanRate = !degrading && reportedPast && !pastThreshold && p > 0 && since > 0;
    const sinceHours = since / 3_600_000;
    return {
      spec,
      reference,
      level,
      position: p,
      trend,
      limitBand,
      pastThreshold,
      degrading,
      meanRate,
      ratePerHour: meanRate ? (p / sinceHours) * span : ratePerHour,
      failedBy: (hours) => {
        if (pastThreshold) return 1;
        if (degrading) return probabilityFailedBy(trend, hours, zFail, rateSpread);
        if (meanRate) return meanRateFailedBy(p, sinceHours, hours);
        // No degradation shown beyond the noise, within normal: no end of life to extrapolate to.
        return 0;
      },
    };
  }

  /** When the level last sat at or below its reference (else the oldest bucket kept). */
  private lastHealthyAt(position: (x: number) => number, now: number): number {
    const buckets = this.history.buckets();
    let at = buckets[0]?.first ?? now;
    for (const b of buckets) if (position(b.mean) <= 0) at = b.last;
    return at;
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
}
