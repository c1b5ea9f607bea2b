import { DEFAULT_BUCKET_HISTORY, type BucketHistorySettings } from './bucket-history';

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
