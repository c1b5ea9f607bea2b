// The detectors the harness compares, each as `stream -> per-row score and anomaly flag`.
import {
  AdaptiveBaselineDetector,
  DEFAULT_BASELINE,
  DEFAULT_EPISODE_SETTINGS,
  DEFAULT_SINGLE_STREAM,
  EpisodeTracker,
  scoreSeries,
  scoreSingleStream,
  type SingleStreamSettings,
} from '@twinlog/analytics';

export interface Scored {
  score: number[];
  anomaly: number[];
}

export interface StreamInput {
  times: number[];
  values: number[];
}

export type Detector = (stream: StreamInput) => Scored;

function fromVerdicts(verdicts: { score: number; anomaly: boolean }[]): Scored {
  return { score: verdicts.map((v) => v.score), anomaly: verdicts.map((v) => (v.anomaly ? 1 : 0)) };
}

/** The single-stream detector (what `twinlog backtest` runs on one column). */
export function singleStream(settings: SingleStreamSettings = DEFAULT_SINGLE_STREAM): Detector {
  return ({ times, values }) => fromVerdicts(scoreSingleStream(values, times, settings));
}

/** Today's `twinlog backtest`: the multivariate detector over a vector of one property. */
export const multivariateOnOne: Detector = ({ values }) =>
  fromVerdicts(scoreSeries(values.map((v) => [v])));

/** The service's per-property adaptive baseline with the monitor's episode hysteresis. */
export const adaptiveBaseline: Detector = ({ times, values }) => {
  const detector = new AdaptiveBaselineDetector(DEFAULT_BASELINE);
  const tracker = new EpisodeTracker({ ...DEFAULT_EPISODE_SETTINGS, minRun: 2 });
  return fromVerdicts(
    values.map((value, i) => {
      const { score } = detector.observe({ value, at: times[i]! });
      tracker.next(score);
      return { score, anomaly: tracker.active };
    }),
  );
};

/**
 * The benchmark's "windowed Gaussian" baseline as its authors describe it: the value's
 * Gaussian tail probability against the mean and spread of the last `window` values; score =
 * 1 - tail. Its anomaly flag is score >= 0.99999 (a 4.3-sigma value).
 */
export function windowedGaussian(window = 6400): Detector {
  return ({ values }) => {
    const score: number[] = [];
    let sum = 0;
    let squares = 0;
    values.forEach((v, i) => {
      const n = Math.min(i, window);
      const mean = n > 0 ? sum / n : v;
      const sd = n > 1 ? Math.sqrt(Math.max(0, squares / n - mean * mean)) : 0;
      score.push(sd > 0 ? 1 - upperTail(Math.abs(v - mean) / sd) : 0);
      sum += v;
      squares += v * v;
      if (i >= window) {
        sum -= values[i - window]!;
        squares -= values[i - window]! ** 2;
      }
    });
    return { score, anomaly: score.map((s) => (s >= 0.99999 ? 1 : 0)) };
  };
}

/** P(Z >= z) for a standard normal Z (Abramowitz-Stegun 7.1.26 through erfc). */
function upperTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return 0.5 * poly * Math.exp(-x * x);
}
