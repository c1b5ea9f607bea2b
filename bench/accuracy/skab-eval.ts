import {
  DEFAULT_SERIES_SCORING,
  scoreSeries,
  type SeriesScoringSettings,
} from '@twinlog/analytics';
import type { SkabFile } from './skab-data';

/** The SKAB protocol: per file, rows 0-399 may be learned from; rows 400 onward are scored. */
export const FIT_ROWS = 400;

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface Scores {
  f1: number;
  /** False-alarm rate, % of normal test rows flagged. */
  far: number;
  /** Missed-alarm rate, % of anomalous test rows not flagged. */
  mar: number;
}

export function scoresOf({ tp, fp, tn, fn }: Confusion): Scores {
  return {
    f1: tp / (tp + (fp + fn) / 2),
    far: (100 * fp) / (fp + tn),
    mar: (100 * fn) / (fn + tp),
  };
}

export const formatScores = ({ f1, far, mar }: Scores) =>
  `F1 ${f1.toFixed(3)}, FAR ${far.toFixed(1)}%, MAR ${mar.toFixed(1)}%`;

export type Settings = Partial<SeriesScoringSettings>;

/** Flags of a file's test rows by the online detector (the one `twinlog backtest` runs). */
export function detect(rows: number[][], settings: Settings = {}): number[] {
  return scoreSeries(rows, { ...DEFAULT_SERIES_SCORING, fitRows: FIT_ROWS, ...settings })
    .slice(FIT_ROWS)
    .map((v) => (v.anomaly ? 1 : 0));
}

/** Pools the test rows of the files (the protocol's way) and scores the flags. */
export function pooled(files: SkabFile[], flagsOf: (file: SkabFile) => number[]): Scores {
  const total: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (const file of files) {
    const flags = flagsOf(file);
    file.labels.slice(FIT_ROWS).forEach((label, i) => {
      const flag = flags[i]!;
      if (flag && label) total.tp += 1;
      else if (flag) total.fp += 1;
      else if (label) total.fn += 1;
      else total.tn += 1;
    });
  }
  return scoresOf(total);
}

/** Scores settings on files, remembering each file's flags (the robustness runs reuse them). */
export class Evaluator {
  private readonly cache = new Map<string, number[]>();

  evaluate(files: SkabFile[], settings: Settings = {}): Scores {
    const key = JSON.stringify(settings);
    return pooled(files, (file) => {
      const id = `${file.name} ${key}`;
      let flags = this.cache.get(id);
      if (!flags) this.cache.set(id, (flags = detect(file.rows, settings)));
      return flags;
    });
  }
}
