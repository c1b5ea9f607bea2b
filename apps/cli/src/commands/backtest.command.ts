import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  DEFAULT_SERIES_SCORING,
  DEFAULT_SINGLE_STREAM,
  scoreSeries,
  scoreSingleStream,
  type SeriesScoringSettings,
} from '@twinlog/analytics';

const d = DEFAULT_SERIES_SCORING;
export const BACKTEST_USAGE =
  'twinlog backtest --input data.csv --output scores.csv ' +
  `[--fit-rows ${d.fitRows}] [--margin ${d.limitMargin}] [--smoothing ${d.smoothing}] [--adaptation ${d.adaptation}]`;

/** Options that tune the detector, as the twin model's `anomaly.multivariate` block names them. */
const KNOBS = {
  'fit-rows': { key: 'fitRows', integer: true },
  margin: { key: 'limitMargin', integer: false },
  smoothing: { key: 'smoothing', integer: true },
  adaptation: { key: 'adaptation', integer: false },
} as const;

/**
 * `twinlog backtest`: runs the anomaly service's detectors over a CSV file, with no server, so
 * the settings a user tunes here are the ones the service runs: the multivariate detector over
 * two or more property columns, the single-stream detector (its defaults, as the service runs
 * it) over one. Input: a header row, the timestamp in the first column, numeric properties in
 * the others (`,` or `;` separated; an empty cell is a missing value). Output:
 * `timestamp,score,anomaly`, one row per input row, in input order.
 */
export function backtestCommand(args: string[], cwd: string, out: (line: string) => void): number {
  const { input, output, settings, tuned } = parseArgs(args);
  const { times, rows, columns } = readSeries(readFileSync(resolve(cwd, input), 'utf8'));
  if (columns.length === 1)
    return backtestOneProperty(cwd, output, { times, rows, columns }, tuned, out);
  const verdicts = scoreSeries(rows, settings);
  writeScores(cwd, output, times, verdicts);
  const flagged = verdicts.filter((v) => v.anomaly).length;
  const learned = Math.min(settings.fitRows, rows.length);
  out(
    `scored ${rows.length} rows of ${columns.length} properties (${columns.join(', ')}); ` +
      `first ${learned} rows learned as normal; ${flagged} rows flagged; wrote ${output}`,
  );
  if (rows.length <= settings.fitRows)
    out(`note: no row was judged: the series is not longer than --fit-rows ${settings.fitRows}`);
  return 0;
}

/** One property column: the single-stream detector, with the service's defaults. */
function backtestOneProperty(
  cwd: string,
  output: string,
  { times, rows, columns }: { times: string[]; rows: number[][]; columns: string[] },
  tuned: string[],
  out: (line: string) => void,
): number {
  const verdicts = scoreSingleStream(
    rows.map((r) => r[0]!),
    times.map(epochMs),
  );
  writeScores(cwd, output, times, verdicts);
  const alarms = verdicts.filter((v, i) => v.anomaly && !verdicts[i - 1]?.anomaly).length;
  const learned = Math.min(DEFAULT_SINGLE_STREAM.learnRows, rows.length);
  out(
    `scored ${rows.length} rows of 1 property (${columns[0]}) with the single-stream detector; ` +
      `first ${learned} rows learned; ${alarms} alarms; wrote ${output}`,
  );
  if (tuned.length > 0)
    out(
      `note: ${tuned.map((t) => `--${t}`).join(', ')} tune the multivariate detector (two or more columns); not used`,
    );
  return 0;
}

function writeScores(
  cwd: string,
  output: string,
  times: string[],
  verdicts: { score: number; anomaly: boolean }[],
): void {
  const lines = ['timestamp,score,anomaly'];
  verdicts.forEach((v, i) =>
    lines.push(`${csvCell(times[i]!)},${v.score.toFixed(6)},${v.anomaly ? 1 : 0}`),
  );
  writeFileSync(resolve(cwd, output), `${lines.join('\n')}\n`);
}

/**
 * A timestamp cell as epoch ms (NaN when it is not a time: the detector then does without the
 * time of day). A date-time without a zone is read as UTC, so a day's cycle falls on the same
 * hours on any machine; a plain number is epoch seconds, or ms when it is that large.
 */
export function epochMs(cell: string): number {
  const text = cell.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    return Math.abs(n) >= 1e11 ? n : n * 1000;
  }
  const naive = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text);
  return Date.parse(naive ? `${text.replace(' ', 'T')}Z` : text);
}

function parseArgs(args: string[]): {
  input: string;
  output: string;
  settings: SeriesScoringSettings;
  tuned: string[];
} {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]!;
    const value = args[i + 1];
    if (!name.startsWith('--') || value === undefined || value.startsWith('--'))
      throw new Error(`backtest: "${name}" needs a value: ${BACKTEST_USAGE}`);
    values.set(name.slice(2), value);
  }
  const input = values.get('input');
  const output = values.get('output');
  if (!input || !output) throw new Error(`backtest needs --input and --output: ${BACKTEST_USAGE}`);
  const settings: SeriesScoringSettings = { ...DEFAULT_SERIES_SCORING };
  const tuned: string[] = [];
  for (const [name, value] of values) {
    if (name === 'input' || name === 'output') continue;
    tuned.push(name);
    const knob = Object.hasOwn(KNOBS, name) ? KNOBS[name as keyof typeof KNOBS] : undefined;
    if (!knob) throw new Error(`backtest: unknown option --${name}: ${BACKTEST_USAGE}`);
    const n = Number(value);
    if (!(n > 0) || !Number.isFinite(n) || (knob.integer && !Number.isInteger(n)))
      throw new Error(`--${name} must be a positive ${knob.integer ? 'integer' : 'number'}`);
    settings[knob.key] = n;
  }
  const least = 4 * settings.smoothing + 8;
  if (settings.fitRows < least)
    throw new Error(`--fit-rows must be at least 4 x smoothing + 8 (${least})`);
  return { input, output, settings, tuned };
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
    rows.push(
      cells.slice(1).map((cell, j) => {
        const text = cell.trim();
        if (text === '') return Number.NaN;
        const value = Number(text);
        if (!Number.isFinite(value))
          throw new Error(`row ${i + 2}, column ${header[j + 1]}: "${text}" is not a number`);
        return value;
      }),
    );
  });
  return { times, rows, columns: header.slice(1) };
}

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
