import type { EpisodeSettings } from '../episodes/episode-tracker';

/**
 * Episodes of the single-stream detector, in the service and in the backtest alike: its score
 * is already an alarm decision (a tail probability, spike-shaped, suppressed after an alarm),
 * so an episode opens with the alarm row and closes after five quiet rows.
 */
export const SINGLE_STREAM_EPISODES: EpisodeSettings = {
  open: 0.5,
  close: 0.35,
  smoothing: 1,
  minRun: 1,
  minRunToClose: 5,
};
