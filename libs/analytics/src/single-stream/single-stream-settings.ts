/**
 * The single-stream detector's settings. Every default is a reasoned choice, not a fit to one
 * data set (docs/analytics/anomaly-detection.md, "The single-stream detector"; the sensitivity
 * of each is in BENCHMARKS.md).
 */
export interface SingleStreamSettings {
  /**
   * Tail probability (per row, after the correction for the number of raw scorers) at which the
   * score is 0.5 and an alarm opens: about one false alarm per this many rows when nothing is
   * wrong, if the raw scores' history describes the stream.
   */
  alarmProbability: number;
  /** Rows after an alarm during which no new alarm opens (one alarm per incident). */
  suppressRows: number;
  /** Rows before any is judged: the raw scores need a history to be compared with. */
  learnRows: number;
  /** Raw scores kept per scorer to estimate their tail (a sliding window, in rows). */
  historyRows: number;
  /** Weight of the newest row in the level (how fast a new normal is followed). */
  levelWeight: number;
  /** Quantisation levels across the running range, for the context scorer. */
  levels: number;
}

export const DEFAULT_SINGLE_STREAM: SingleStreamSettings = {
  alarmProbability: 1e-4,
  suppressRows: 150,
  learnRows: 150,
  historyRows: 2500,
  levelWeight: 0.1,
  levels: 10,
};

/** Throws a message naming the bad key (the model loader turns it into MODEL_INVALID). */
export function checkSingleStreamSettings(s: SingleStreamSettings): void {
  if (!(s.alarmProbability > 0 && s.alarmProbability < 0.5))
    throw new Error('singleStream.alarmProbability must be in (0, 0.5)');
  for (const key of ['suppressRows', 'learnRows', 'historyRows', 'levels'] as const)
    if (!Number.isInteger(s[key]) || s[key] < 1)
      throw new Error(`singleStream.${key} must be a positive integer`);
  if (s.historyRows < s.learnRows)
    throw new Error('singleStream.historyRows must be at least learnRows');
  if (!(s.levelWeight > 0 && s.levelWeight <= 1))
    throw new Error('singleStream.levelWeight must be in (0, 1]');
}
