import { scoreFromExcess, type Finding, type Observation, type PropertyDetector } from './detector';

export interface BaselineSettings {
  /** Weight of the newest reading in the running mean and variance (drift is followed at this pace). */
  weight: number;
  /** Deviations (in standard deviations) that score 0.5. */
  threshold: number;
  /** Readings learned before any is judged. */
  warmUp: number;
}

export const DEFAULT_BASELINE: BaselineSettings = { weight: 0.01, threshold: 4, warmUp: 50 };

/**
 * An adaptive per-property baseline learned from the twin's own history: exponentially weighted
 * mean and variance. Normal drift is followed at the pace of `weight`; a reading over the
 * threshold barely moves the centre and not the spread, so a sustained fault keeps scoring high
 * while a lasting level shift (a recalibration) is eventually accepted.
 */
export class AdaptiveBaselineDetector implements PropertyDetector {
  readonly name = 'baseline';
  private mean = 0;
  private variance = 0;
  private count = 0;

  constructor(private readonly settings: BaselineSettings = DEFAULT_BASELINE) {}

  observe({ value }: Observation): Finding {
    const { weight, threshold, warmUp } = this.settings;
    const sd = Math.sqrt(this.variance);
    const judged = this.count >= warmUp && sd > 0;
    const z = judged ? Math.abs(value - this.mean) / sd : 0;
    const finding: Finding = judged
      ? {
          score: scoreFromExcess(z / threshold),
          expected: this.mean,
          expectedLow: this.mean - threshold * sd,
          expectedHigh: this.mean + threshold * sd,
          reason: `${z.toFixed(1)} standard deviations from the learned baseline`,
        }
      : { score: 0, reason: `learning the baseline (${this.count + 1}/${warmUp})` };
    if (z > threshold) {
      // An outlier moves the centre a little (a lasting level shift is followed at last) and
      // leaves the spread alone, so a fault does not teach the baseline that it is normal.
      this.mean += (weight / 20) * (clip(value, this.mean, threshold * sd) - this.mean);
    } else {
      this.learn(value, weight);
    }
    return finding;
  }

  snapshot(): { mean: number; variance: number; count: number } {
    return { mean: this.mean, variance: this.variance, count: this.count };
  }

  restore(state: unknown): void {
    ({
      mean: this.mean,
      variance: this.variance,
      count: this.count,
    } = state as ReturnType<AdaptiveBaselineDetector['snapshot']>);
  }

  private learn(value: number, weight: number): void {
    this.count += 1;
    // During warm-up: the plain running mean and variance; then exponential forgetting.
    const w = Math.max(weight, 1 / this.count);
    const delta = value - this.mean;
    this.mean += w * delta;
    this.variance = (1 - w) * (this.variance + w * delta * delta);
  }
}

function clip(value: number, centre: number, radius: number): number {
  return Math.min(centre + radius, Math.max(centre - radius, value));
}
