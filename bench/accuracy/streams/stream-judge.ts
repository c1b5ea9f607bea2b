// Judges a detector's output on a labelled corpus the two ways the judge does: the
// `score` column under one global threshold (best, and at the default 0.5), and the onsets of
// the `anomaly` column.
import {
  anomalyWindows,
  normalisedScore,
  perfectRaw,
  scoreStream,
  type StreamScore,
  type Window,
} from './window-score';
import type { Scored } from './stream-detectors';

export interface Labelled {
  name: string;
  length: number;
  anomalies: number[];
}

export interface Judged {
  onsets: number;
  atDefault: number;
  best: number;
  bestThreshold: number;
  /** Counts of the onsets judgement. */
  tp: number;
  fp: number;
  fn: number;
}

export const DEFAULT_THRESHOLD = 0.5;
// A linear grid, and the far end for detectors whose scores crowd near 1 (1 - 10^-k).
const THRESHOLDS = [
  ...Array.from({ length: 199 }, (_, i) => 0.005 * (i + 1)),
  ...Array.from({ length: 13 }, (_, k) => 1 - 10 ** -(2.5 + k / 2)),
];

export function onsetsOf(anomaly: number[]): number[] {
  const rows: number[] = [];
  anomaly.forEach((a, i) => {
    if (a && !anomaly[i - 1]) rows.push(i);
  });
  return rows;
}

function over(score: number[], threshold: number): number[] {
  const rows: number[] = [];
  score.forEach((s, i) => {
    if (s >= threshold) rows.push(i);
  });
  return rows;
}

export function judge(corpus: Labelled[], outputs: Scored[]): Judged {
  const windows: Window[][] = corpus.map((s) => anomalyWindows(s.length, s.anomalies));
  const perfect = windows.reduce((p, w) => p + perfectRaw(w), 0);
  const corpusScore = (
    rowsOf: (o: Scored) => number[],
  ): { score: number; parts: StreamScore[] } => {
    const parts = corpus.map((s, i) => scoreStream(s.length, windows[i]!, rowsOf(outputs[i]!)));
    return { score: normalisedScore(parts, perfect), parts };
  };
  const onsets = corpusScore((o) => onsetsOf(o.anomaly));
  let best = Number.NEGATIVE_INFINITY;
  let bestThreshold = 0;
  for (const t of THRESHOLDS) {
    const { score } = corpusScore((o) => over(o.score, t));
    if (score > best) [best, bestThreshold] = [score, t];
  }
  const sum = (k: 'tp' | 'fp' | 'fn') => onsets.parts.reduce((n, p) => n + p[k], 0);
  return {
    onsets: onsets.score,
    atDefault: corpusScore((o) => over(o.score, DEFAULT_THRESHOLD)).score,
    best,
    bestThreshold,
    tp: sum('tp'),
    fp: sum('fp'),
    fn: sum('fn'),
  };
}
