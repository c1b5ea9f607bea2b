// Accuracy of the online multivariate detector on SKAB (issue 6), with the benchmark's protocol:
// per file, rows 0-399 may be used for fitting and rows 400 onward are scored; all 34 fault
// files' test rows are pooled. The detector sees each test row once, in order (no look-ahead).
//
//   npm run bench:skab                        # ../shared/data/skab (TWINLOG_DATA to override)
import { DEFAULT_SERIES_SCORING, scoreSeries } from '@twinlog/analytics';
import { loadSkabFaultFiles } from './skab-data';

const FIT_ROWS = 400;

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export function scoresOf(confusion: Confusion): { f1: number; far: number; mar: number } {
  const { tp, fp, tn, fn } = confusion;
  return {
    f1: tp / (tp + (fp + fn) / 2),
    far: (100 * fp) / (fp + tn),
    mar: (100 * fn) / (fn + tp),
  };
}

/** The flags the online detector (the same one `twinlog backtest` runs) raises on a file's test rows. */
export function detect(rows: number[][]): number[] {
  return scoreSeries(rows, { ...DEFAULT_SERIES_SCORING, fitRows: FIT_ROWS })
    .slice(FIT_ROWS)
    .map((v) => (v.anomaly ? 1 : 0));
}

function main(): void {
  const files = loadSkabFaultFiles();
  const total: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (const file of files) {
    const flags = detect(file.rows);
    file.labels.slice(FIT_ROWS).forEach((label, i) => {
      const flag = flags[i]!;
      if (flag && label) total.tp += 1;
      else if (flag) total.fp += 1;
      else if (label) total.fn += 1;
      else total.tn += 1;
    });
  }
  const { f1, far, mar } = scoresOf(total);
  console.log(
    `SKAB, ${files.length} fault files, ${total.tp + total.fp + total.tn + total.fn} test rows`,
  );
  console.log(
    `PCA T²+Q (fit on rows 0-399, online, EWMA-smoothed score): F1 ${f1.toFixed(3)}, FAR ${far.toFixed(1)}%, MAR ${mar.toFixed(1)}%`,
  );
  console.log('published best: F1 0.78 (Conv-AE, FAR 13.6%, MAR 28.0%); PCA T²+Q 0.76');
}

if (require.main === module) main();
