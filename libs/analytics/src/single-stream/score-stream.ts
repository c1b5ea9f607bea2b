import { EpisodeTracker } from '../episodes/episode-tracker';
import type { RowVerdict } from '../backtest/score-series';
import { SINGLE_STREAM_EPISODES } from './single-stream-episodes';
import { SingleStreamDetector } from './single-stream-detector';
import { DEFAULT_SINGLE_STREAM, type SingleStreamSettings } from './single-stream-settings';

/**
 * Scores one property's series online with the single-stream detector and the episode
 * hysteresis the anomaly service gives it: `anomaly` is 1 from an alarm until the score has
 * stayed low for a few rows. `times` are epoch ms (NaN when unknown: no time-of-day context).
 * A missing value (NaN) is not judged (score 0) and does not teach the detector.
 */
export function scoreSingleStream(
  values: number[],
  times: number[],
  settings: SingleStreamSettings = DEFAULT_SINGLE_STREAM,
): RowVerdict[] {
  const detector = new SingleStreamDetector(settings);
  const tracker = new EpisodeTracker(SINGLE_STREAM_EPISODES);
  return values.map((value, i) => {
    if (!Number.isFinite(value)) return { score: 0, anomaly: tracker.active };
    const { score } = detector.observe({ value, at: times[i] ?? Number.NaN });
    tracker.next(score);
    return { score, anomaly: tracker.active };
  });
}
