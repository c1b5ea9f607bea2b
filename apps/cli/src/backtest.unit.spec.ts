import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const npx = (args: string[]) =>
  spawnSync('npx', ['twinlog', ...args], { cwd: root, encoding: 'utf8', env: process.env });

/** 600 rows: power follows speed; from row 500 it stops following (a fault no single column shows). */
function series(): string {
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const lines = ['timestamp,speed,power,temperature'];
  for (let i = 0; i < 600; i++) {
    const speed = 1000 + 200 * random();
    const power = i >= 500 ? speed * 0.02 : speed * 0.01 + 0.2 * random();
    lines.push(
      `${new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()},${speed},${power},${40 + random()}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('npx twinlog backtest (the exact invocation scripts rely on)', () => {
  jest.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'backtest-'));

  it('writes timestamp,score,anomaly for every input row, in order, flagging the fault', () => {
    const input = join(dir, 'data.csv');
    const output = join(dir, 'scores.csv');
    writeFileSync(input, series());
    const run = npx(['backtest', '--input', input, '--output', output]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/scored 600 rows of 3 properties/);
    const [header, ...rows] = readFileSync(output, 'utf8').trim().split('\n');
    expect(header).toBe('timestamp,score,anomaly');
    expect(rows).toHaveLength(600);
    const inputTimes = series()
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]);
    expect(rows.map((r) => r.split(',')[0])).toEqual(inputTimes);
    const parsed = rows.map((r) => r.split(',').map(Number));
    expect(parsed.every(([, score]) => score! >= 0 && score! <= 1)).toBe(true);
    const flagged = (from: number, to: number) =>
      parsed.slice(from, to).filter(([, , a]) => a === 1).length;
    expect(flagged(0, 500)).toBeLessThan(10);
    expect(flagged(500, 600)).toBeGreaterThan(80);
  });

  it('says what is wrong with a bad call or a bad file, with exit code 2', () => {
    const missing = npx(['backtest', '--input', join(dir, 'data.csv')]);
    expect([missing.status, missing.stderr]).toEqual([
      2,
      expect.stringMatching(/needs --input and --output/),
    ]);
    const ragged = join(dir, 'ragged.csv');
    writeFileSync(ragged, 'timestamp,a,b\n2026-01-01T00:00:00Z,1\n');
    const bad = npx(['backtest', '--input', ragged, '--output', join(dir, 'x.csv')]);
    expect([bad.status, bad.stderr]).toEqual([
      2,
      expect.stringMatching(/row 2 has 2 columns, the header has 3/),
    ]);
    const text = join(dir, 'text.csv');
    writeFileSync(text, 'timestamp,a,b\n2026-01-01T00:00:00Z,1,high\n');
    const notNumber = npx(['backtest', '--input', text, '--output', join(dir, 'x.csv')]);
    expect([notNumber.status, notNumber.stderr]).toEqual([
      2,
      expect.stringMatching(/row 2, column b: "high" is not a number/),
    ]);
    const unknown = npx([
      'backtest',
      '--input',
      text,
      '--output',
      join(dir, 'x.csv'),
      '--sensitivity',
      '3',
    ]);
    expect([unknown.status, unknown.stderr]).toEqual([
      2,
      expect.stringMatching(/unknown option --sensitivity/),
    ]);
  });

  it('takes the detector settings the twin model has (a wider margin flags less)', () => {
    const input = join(dir, 'data.csv');
    writeFileSync(input, series());
    const flaggedWith = (margin: string) => {
      const output = join(dir, `margin-${margin}.csv`);
      const run = npx(['backtest', '--input', input, '--output', output, '--margin', margin]);
      expect(run.status).toBe(0);
      return readFileSync(output, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .filter((r) => r.endsWith(',1')).length;
    };
    const bad = npx([
      'backtest',
      '--input',
      input,
      '--output',
      join(dir, 'x.csv'),
      '--smoothing',
      '0.5',
    ]);
    expect([bad.status, bad.stderr]).toEqual([
      2,
      expect.stringMatching(/--smoothing must be a positive integer/),
    ]);
    // The fault is far over any sensible limit; a huge margin lets it through.
    expect(flaggedWith('4')).toBeGreaterThan(80);
    expect(flaggedWith('1e9')).toBe(0);
  });

  it('judges a single property column with the single-stream detector: one alarm at a level shift', () => {
    // 1,000 five-minute rows of noise around 20; from row 700 the level is 26 (a new normal).
    let seed = 5;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const lines = ['time,flow'];
    for (let i = 0; i < 1000; i++) {
      const at = new Date(Date.UTC(2026, 0, 1) + i * 300_000).toISOString().replace('T', ' ');
      lines.push(`${at.slice(0, 19)},${((i >= 700 ? 26 : 20) + random()).toFixed(3)}`);
    }
    const input = join(dir, 'one.csv');
    const output = join(dir, 'one-scores.csv');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const run = npx(['backtest', '--input', input, '--output', output]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /scored 1000 rows of 1 property \(flow\) with the single-stream detector/,
    );
    const rows = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((r) => r.split(','));
    expect(rows).toHaveLength(1000);
    expect(rows.every(([, score]) => Number(score) >= 0 && Number(score) <= 1)).toBe(true);
    const onsets = rows.flatMap(([, , a], i) => (a === '1' && rows[i - 1]?.[2] !== '1' ? [i] : []));
    expect(onsets).toEqual([700]);
    // Spike-shaped: the score is over 0.5 on the alarm row only, not for the hours after.
    expect(rows.filter(([, score]) => Number(score) >= 0.5)).toHaveLength(1);
  });
});
