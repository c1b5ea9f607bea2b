/**
 * Settings of the multivariate detector. The defaults are chosen by principle, not fitted to a
 * benchmark (docs/analytics/anomaly-detection.md says why each is what it is; BENCHMARKS.md shows
 * how the SKAB figures move when each is halved or raised by half).
 */
export interface MultivariateSettings {
  /** Complete property vectors learned as normal before any is judged (the twin's own history). */
  warmUp: number;
  /**
   * Vectors the smoothing spans (EWMA time constant). It suppresses reading noise, and it is also
   * the on-delay and off-delay of an episode and the horizon of a trend property's rate.
   */
  smoothing: number;
  /** Time constant, in vectors, at which the normal level follows drift (outside episodes only). */
  adaptation: number;
  /** Quantile of the warm-up's own scores that marks the edge of normal seen so far. */
  limitQuantile: number;
  /** Multiplier on that quantile (a squared distance): 4 allows twice the radius seen in warm-up. */
  limitMargin: number;
  /**
   * Shrinks the learned correlations towards none (0 = as learned, 1 = independent properties):
   * a small ridge for nearly collinear properties. More blunts exactly what this detector is for,
   * a break of a relation between properties.
   */
  shrinkage: number;
  /**
   * A property whose changes over `smoothing` vectors carry less than this share of its warm-up
   * variance wanders slowly (a temperature): it is judged by its rate of change, not its level.
   */
  trendShare: number;
  /** An episode has recovered when less than this share of its typical excursion remains. */
  recoveryShare: number;
  /** An episode closes when the score ratio stays below this (1 = the limit) for `smoothing` vectors. */
  closeBelow: number;
}

export const DEFAULT_MULTIVARIATE_SETTINGS: MultivariateSettings = {
  warmUp: 400,
  smoothing: 10,
  adaptation: 200,
  limitQuantile: 0.99,
  limitMargin: 4,
  shrinkage: 0.01,
  trendShare: 0.3,
  recoveryShare: 0.1,
  closeBelow: 0.7,
};

/** Throws a plain message for settings the detector cannot work with. */
export function checkMultivariateSettings(s: MultivariateSettings): void {
  const bad = (what: string) => {
    throw new Error(`multivariate settings: ${what}`);
  };
  if (!Number.isInteger(s.smoothing) || s.smoothing < 1) bad('smoothing must be an integer >= 1');
  if (!Number.isInteger(s.warmUp) || s.warmUp < 4 * s.smoothing + 8)
    bad(`warmUp must be an integer >= 4 * smoothing + 8 (${4 * s.smoothing + 8})`);
  if (!(s.adaptation >= 1)) bad('adaptation must be >= 1');
  if (!(s.limitQuantile > 0 && s.limitQuantile <= 1)) bad('limitQuantile must be in (0, 1]');
  if (!(s.limitMargin > 0)) bad('limitMargin must be > 0');
  if (!(s.shrinkage >= 0 && s.shrinkage <= 1)) bad('shrinkage must be in [0, 1]');
  if (!(s.trendShare >= 0 && s.trendShare <= 1)) bad('trendShare must be in [0, 1]');
  if (!(s.recoveryShare >= 0 && s.recoveryShare < 1)) bad('recoveryShare must be in [0, 1)');
  if (!(s.closeBelow > 0 && s.closeBelow <= 1)) bad('closeBelow must be in (0, 1]');
}
