import { MultivariateDetector } from '../multivariate/multivariate-detector';
import {
  DEFAULT_MULTIVARIATE_SETTINGS,
  type MultivariateSettings,
} from '../multivariate/multivariate-settings';

/** The multivariate detector's settings, with its warm-up counted in rows of the series. */
export interface SeriesScoringSettings extends Omit<MultivariateSettings, 'warmUp'> {
  /** Rows learned as normal before any row is judged (the twin's own history). */
  fitRows: number;
}

const { warmUp, ...rest } = DEFAULT_MULTIVARIATE_SETTINGS;
export const DEFAULT_SERIES_SCORING: SeriesScoringSettings = { ...rest, fitRows: warmUp };

export interface RowVerdict {
  /** In [0, 1); 0.5 is the control limit. 0 for rows not judged (warm-up). */
  score: number;
  /** Inside an anomaly episode (after hysteresis). */
  anomaly: boolean;
}

/**
 * Scores a multivariate series online with the same detector the anomaly service runs per twin:
 * the first `fitRows` complete rows teach it what normal looks like (they are not judged: score
 * 0), every later row is judged once, in order, from the rows before it (no look-ahead). A
 * missing value (NaN) repeats the property's last value; rows before every property has had a
 * value are not judged and not learned from.
 */
export function scoreSeries(
  rows: number[][],
  settings: SeriesScoringSettings = DEFAULT_SERIES_SCORING,
): RowVerdict[] {
  const width = rows[0]?.length ?? 0;
  if (width === 0) return rows.map(() => ({ score: 0, anomaly: false }));
  const { fitRows, ...multivariate } = settings;
  const detector = new MultivariateDetector(width, { ...multivariate, warmUp: fitRows });
  const last: number[] = new Array<number>(width).fill(Number.NaN);
  return rows.map((row) => {
    row.forEach((value, j) => {
      if (Number.isFinite(value)) last[j] = value;
    });
    if (!last.every(Number.isFinite)) return { score: 0, anomaly: false };
    const verdict = detector.observe(last);
    return { score: verdict.score, anomaly: verdict.active };
  });
}
