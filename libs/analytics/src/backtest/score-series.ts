import {
  DEFAULT_EPISODE_SETTINGS,
  EpisodeTracker,
  type EpisodeSettings,
} from '../episodes/episode-tracker';
import {
  DEFAULT_PCA_SETTINGS,
  PcaMonitor,
  type PcaMonitorSettings,
} from '../multivariate/pca-monitor';

export interface SeriesScoringSettings {
  /** Rows used to learn normal behaviour before any row is judged (the twin's own history). */
  fitRows: number;
  pca: PcaMonitorSettings;
  episodes: EpisodeSettings;
}

export const DEFAULT_SERIES_SCORING: SeriesScoringSettings = {
  fitRows: 400,
  pca: DEFAULT_PCA_SETTINGS,
  episodes: { ...DEFAULT_EPISODE_SETTINGS, open: 0.5, close: 0.5, minRun: 1, smoothing: 0.3 },
};

export interface RowVerdict {
  /** In [0, 1]; 0.5 is the control limit. */
  score: number;
  anomaly: boolean;
}

/**
 * Scores a multivariate series online, as the anomaly service would see it: the first
 * `fitRows` rows teach the monitor what normal looks like (they are not judged: score 0), every
 * later row is judged once, in order, with no look-ahead. Missing values (NaN) repeat the
 * property's last value. A series too short to learn from is not judged at all.
 */
export function scoreSeries(
  rows: number[][],
  settings: SeriesScoringSettings = DEFAULT_SERIES_SCORING,
): RowVerdict[] {
  const filled = carryForward(rows);
  const width = filled[0]?.length ?? 0;
  const fitRows = Math.min(settings.fitRows, filled.length);
  if (width === 0 || fitRows < width + 2) return filled.map(() => ({ score: 0, anomaly: false }));
  const monitor = PcaMonitor.fit(filled.slice(0, fitRows), settings.pca);
  const tracker = new EpisodeTracker(settings.episodes);
  return filled.map((row, i) => {
    if (i < fitRows) return { score: 0, anomaly: false };
    const { t2Ratio, qRatio } = monitor.score(row);
    const worst = Math.max(t2Ratio, qRatio);
    tracker.next(worst / (1 + worst));
    return { score: tracker.score, anomaly: tracker.active };
  });
}

function carryForward(rows: number[][]): number[][] {
  const last: number[] = [];
  return rows.map((row) =>
    row.map((value, j) => {
      if (Number.isFinite(value)) return (last[j] = value);
      return last[j] ?? 0;
    }),
  );
}
