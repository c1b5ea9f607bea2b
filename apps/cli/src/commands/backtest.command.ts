import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_SERIES_SCORING, scoreSeries } from '@twinlog/analytics';

const USAGE = 'twinlog backtest --input data.csv --output scores.csv [--fit-rows 400]';

/**
 * `twinlog backtest`: runs the anomaly detectors over a CSV file, with no server. Input: a
 * header row, the timestamp in the first column, numeric properties in the others (`,` or `;`
 * separated). Output: `timestamp,score,anomaly`, one row per input row, in input order.
 */
export function backtestCommand(args: string[], cwd: string, out: (line: string) => void): number {
  const option = (name: string) => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const input = option('input');
  const output = option('output');
  if (!input || !output) throw new Error(`backtest needs --input and --output: ${USAGE}`);
  const fitRows =
    option('fit-rows') === undefined ? DEFAULT_SERIES_SCORING.fitRows : Number(option('fit-rows'));
  if (!Number.isInteger(fitRows) || fitRows < 1)
    throw new Error('--fit-rows must be a positive integer');

  const { times, rows, columns } = readSeries(readFileSync(resolve(cwd, input), 'utf8'));
  const verdicts = scoreSeries(rows, { ...DEFAULT_SERIES_SCORING, fitRows });
  const lines = ['timestamp,score,anomaly'];
  verdicts.forEach((v, i) =>
    lines.push(`${csvCell(times[i]!)},${v.score.toFixed(6)},${v.anomaly ? 1 : 0}`),
  );
  writeFileSync(resolve(cwd, output), `${lines.join('\n')}\n`);
  const flagged = verdicts.filter((v) => v.anomaly).length;
  out(
    `scored ${rows.length} rows of ${columns.length} properties (${columns.join(', ')}); ` +
      `first ${Math.min(fitRows, rows.length)} rows learned as normal; ${flagged} rows flagged; wrote ${output}`,
  );
  return 0;
}

function readSeries(text: string): { times: string[]; rows: number[][]; columns: string[] } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new Error('the input needs a header row and at least one data row');
  const delimiter = lines[0]!.includes(';') && !lines[0]!.includes(',') ? ';' : ',';
  const header = lines[0]!.split(delimiter).map((c) => c.trim());
  if (header.length < 2)
    throw new Error('the input needs a timestamp column and at least one value column');
  const times: string[] = [];
  const rows: number[][] = [];
  lines.slice(1).forEach((line, i) => {
    const cells = line.split(delimiter);
    if (cells.length !== header.length) {
      throw new Error(`row ${i + 2} has ${cells.length} columns, the header has ${header.length}`);
    }
    times.push(cells[0]!.trim());
    rows.push(cells.slice(1).map((c) => (c.trim() === '' ? Number.NaN : Number(c))));
  });
  return { times, rows, columns: header.slice(1) };
}

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
