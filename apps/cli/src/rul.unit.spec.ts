import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCmapss, syntheticFleet } from '@twinlog/analytics';

const root = join(__dirname, '..', '..', '..');
// Inside the workspace (tmp/ is git-ignored) so npx finds the workspace's twinlog from there,
// and the exact relative file names scripts use resolve against this directory.
mkdirSync(join(root, 'tmp'), { recursive: true });
const dir = mkdtempSync(join(root, 'tmp', 'rul-cli-'));
const npx = (args: string[]) =>
  spawnSync('npx', ['twinlog', ...args], { cwd: dir, encoding: 'utf8', env: process.env });

describe('npx twinlog rul (the exact invocations scripts rely on)', () => {
  jest.setTimeout(180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // One small fleet: 16 units run to failure (training), 5 more are cut early (test).
  const fleet = syntheticFleet({ units: 21, regimes: 1, minLife: 70, maxLife: 90, seed: 3 });
  const left = [5, 10, 20, 30, 40];
  const test = fleet.slice(16).map((u, i) => {
    const keep = u.cycles.length - left[i]!;
    return {
      ...u,
      unit: i + 1,
      cycles: u.cycles.slice(0, keep),
      settings: u.settings.slice(0, keep),
      sensors: u.sensors.slice(0, keep),
    };
  });
  writeFileSync(join(dir, 'train_FD001.txt'), formatCmapss(fleet.slice(0, 16)));
  writeFileSync(join(dir, 'test_FD001.txt'), formatCmapss(test));

  it('trains, then writes unit,rul at each test unit’s last cycle', () => {
    const train = npx(['rul', 'train', '--input', 'train_FD001.txt', '--model', 'model.json']);
    expect([train.status, train.stderr]).toEqual([0, expect.stringMatching(/tree 400\/400/)]);
    expect(train.stdout).toMatch(/trained on 16 units .* 1 operating regime\(s\), 15 sensors kept/);
    // Named train_FD001: trained for the official FD001 test cuts unless told otherwise.
    expect(train.stdout).toMatch(
      /every cycle alike, band calibrated for cuts leaving RUL 7-145 after at least 31 cycles, horizon 125;/,
    );

    const predict = npx([
      'rul',
      'predict',
      '--model',
      'model.json',
      '--input',
      'test_FD001.txt',
      '--output',
      'rul.csv',
    ]);
    expect([predict.status, predict.stderr]).toEqual([0, '']);
    const [header, ...rows] = readFileSync(join(dir, 'rul.csv'), 'utf8').trim().split('\n');
    expect(header).toBe('unit,rul');
    const parsed = rows.map((r) => r.split(',').map(Number));
    expect(parsed.map(([unit]) => unit)).toEqual([1, 2, 3, 4, 5]);
    // Synthetic engines that wear visibly: each unit's RUL is read within a few cycles.
    parsed.forEach(([, rul], i) => expect(Math.abs(rul! - left[i]!)).toBeLessThan(8));

    const banded = npx(
      ['rul', 'predict', '--model', 'model.json', '--input', 'test_FD001.txt'].concat([
        '--output',
        'bands.csv',
        '--bands',
      ]),
    );
    expect(banded.status).toBe(0);
    const bandRows = readFileSync(join(dir, 'bands.csv'), 'utf8').trim().split('\n');
    expect(bandRows[0]).toBe('unit,rul,p10,p50,p90');
    for (const r of bandRows.slice(1)) {
      const [, , p10, p50, p90] = r.split(',').map(Number);
      expect(p10! <= p50! && p50! <= p90!).toBe(true);
    }
  });

  it('cross-validates by unit and prints the scores', () => {
    const run = npx(
      ['rul', 'evaluate', '--input', 'train_FD001.txt', '--folds', '2'].concat([
        '--cuts',
        '2',
        '--band-folds',
        '0',
        '--trees',
        '60',
      ]),
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^16 units, 2 folds by unit, 2 draws of one cut per held-out unit; trained every cycle alike, band calibrated for cuts leaving RUL 7-145 after at least 31 cycles, horizon 125/,
    );
    const rmse =
      /official-like \(for cuts leaving RUL 7-145 after at least 31 cycles\): RMSE ([\d.]+)/.exec(
        run.stdout,
      );
    expect(Number(rmse?.[1])).toBeLessThan(12);
    expect(run.stdout).toMatch(/early cuts \(.*\(early-leaning\).*\): RMSE [\d.]+/);
    expect(run.stdout).toMatch(
      /issue-8 cuts \(for cuts leaving RUL 5-150 after at least 31 cycles\): RMSE/,
    );
    expect(run.stdout).toMatch(/P10-P90 coverage \d+% \(below P10 \d+%, above P90 \d+%\)/);
  });

  it('names the line of a malformed data file and refuses a bad model, with exit code 2', () => {
    writeFileSync(
      join(dir, 'bad.txt'),
      `${formatCmapss(fleet.slice(0, 1)).split('\n').slice(0, 4).join('\n')}\n1 5 0 0 100 x\n`,
    );
    const bad = npx(['rul', 'train', '--input', 'bad.txt', '--model', 'm.json']);
    expect([bad.status, bad.stderr]).toEqual([
      2,
      expect.stringMatching(/bad\.txt: line 5 has 6 columns, expected 26/),
    ]);

    writeFileSync(join(dir, 'model-bad.json'), '{"format":"twinlog-rul","version":1}');
    const badModel = npx([
      'rul',
      'predict',
      '--model',
      'model-bad.json',
      '--input',
      'test_FD001.txt',
      '--output',
      'x.csv',
    ]);
    expect([badModel.status, badModel.stderr]).toEqual([
      2,
      expect.stringMatching(/model-bad\.json: not a usable RUL model: cap/),
    ]);

    const typo = npx([
      'rul',
      'train',
      '--input',
      'train_FD001.txt',
      '--model',
      'm.json',
      '--tree',
      '9',
    ]);
    expect([typo.status, typo.stderr]).toEqual([
      2,
      expect.stringMatching(/rul train does not take --tree/),
    ]);

    const usage = npx(['rul', 'predict', '--model', 'model.json']);
    expect([usage.status, usage.stderr]).toEqual([
      2,
      expect.stringMatching(/rul predict needs --input/),
    ]);
  });
});
