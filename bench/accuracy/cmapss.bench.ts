// Accuracy of the data-driven RUL model on NASA C-MAPSS (issues 8 and 23), by cross-validation
// over whole units built like the official test sets: 5 folds by unit; every model
// (normalisation, health index, trees, band) is fitted on the other folds' units only; each
// held-out unit is cut once per draw where an official test unit could end (the set's published
// shortest history and RUL range, docs/analytics/rul.md) and the RUL at its last seen cycle is
// scored. One draw is one test set; five draws per fold split show what the figure owes to where
// the cuts fell, and the repeats (other fold splits) what it owes to the split. The same fold
// models also score early-leaning cuts (the stress case) and the issue-8 cuts (RUL 5-150, 31
// cycles seen), so the old protocol's figure is printed next to the new one.
// The baseline, in the same process and folds, is the issue-8 model (every cycle alike, cap 125).
// The band is trained in the first repeat only (it costs three more models per fold).
//
//   npm run bench:cmapss                                   # FD001-FD004, 2 repeats
//   npm run bench:cmapss -- --sets FD001 --repeats 1       # a quicker run
//   npm run bench:cmapss -- --sets FD004 --every 2         # every 2nd unit (development)
//   npm run bench:cmapss -- --baseline-band                # the issue-8 model's band too
//   npm run bench:cmapss -- --no-band --no-baseline        # point figures of the model only
import {
  DEFAULT_HOLDOUT_DRAWS,
  DEFAULT_HOLDOUT_SEED,
  DEFAULT_RUL_TRAINING,
  OFFICIAL_LIKE_CUTS,
  crossValidateRul,
  scoreHoldout,
  trainingFor,
  type HoldoutScores,
  type RulTrainingOptions,
  type UnitHistory,
} from '@twinlog/analytics';
import { CMAPSS_SETS, loadCmapssTraining } from './cmapss-data';
import { option, PLANS, plansFor } from './cmapss-plans';

const draws = Number(option('cuts') ?? DEFAULT_HOLDOUT_DRAWS);
const repeats = Number(option('repeats') ?? 2);
const every = Number(option('every') ?? 1);

type Scores = Record<(typeof PLANS)[number], HoldoutScores>;

function measure(
  set: string,
  units: UnitHistory[],
  name: string,
  options: RulTrainingOptions,
  seed: number,
): Scores {
  const started = performance.now();
  let last = 0;
  const plans = plansFor(set, draws);
  const cases = crossValidateRul(
    units,
    options,
    { folds: 5, seed, plans },
    (stage, done, total) => {
      const now = performance.now();
      if (now - last > 5000) {
        process.stderr.write(`  ${set} ${name} seed ${seed}: ${stage}, tree ${done}/${total}\n`);
        last = now;
      }
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const scores = Object.fromEntries(
    plans.map((p) => [
      p.name,
      scoreHoldout(
        cases.filter((c) => c.plan === p.name),
        options.cap,
      ),
    ]),
  ) as Scores;
  for (const plan of PLANS) {
    const s = scores[plan];
    const band =
      options.bandFolds > 1
        ? `, P10-P90 ${pct(s.coverage)} (<P10 ${pct(s.belowP10)}, >P90 ${pct(s.aboveP90)})`
        : '';
    console.log(
      `${set} ${name.padEnd(8)} seed ${seed} ${plan.padEnd(13)}: RMSE ${s.rmse.toFixed(2)} ` +
        `(draws ${s.rmseRange.map((r) => r.toFixed(2)).join('-')}), PHM08 ${s.phm08.toFixed(0)}, ` +
        `mean error ${s.meanError.toFixed(1)}${band}`,
    );
  }
  console.log(`${set} ${name.padEnd(8)} seed ${seed}: ${seconds.toFixed(0)} s`);
  return scores;
}

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const range = (xs: number[], digits: number) => {
  if (xs.length === 0) return '-';
  if (xs.length === 1) return xs[0]!.toFixed(digits);
  return `${mean(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})`;
};

function main(): void {
  const sets = (option('sets') ?? CMAPSS_SETS.join(',')).split(',');
  const summary: string[] = [];
  for (const set of sets) {
    const units = loadCmapssTraining(set).filter((_, i) => i % every === 0);
    const cut = OFFICIAL_LIKE_CUTS[set]!;
    const model: Scores[] = [];
    const before: Scores[] = [];
    for (let r = 0; r < repeats; r++) {
      const seed = DEFAULT_HOLDOUT_SEED + r;
      const withBand = r === 0 && !process.argv.includes('--no-band');
      const bandFolds = withBand ? DEFAULT_RUL_TRAINING.bandFolds : 0;
      const current = { ...DEFAULT_RUL_TRAINING, bandFolds, ...trainingFor(cut) };
      model.push(measure(set, units, 'model', current, seed));
      // The issue-8 model's band costs three more models per fold: only with --baseline-band.
      const baselineBand = process.argv.includes('--baseline-band') ? bandFolds : 0;
      if (!process.argv.includes('--no-baseline'))
        before.push(
          measure(
            set,
            units,
            'issue-8',
            { ...DEFAULT_RUL_TRAINING, bandFolds: baselineBand },
            seed,
          ),
        );
    }
    const col = (
      runs: Scores[],
      plan: (typeof PLANS)[number],
      f: (s: HoldoutScores) => number,
      d = 2,
    ) =>
      range(
        runs.map((s) => f(s[plan])),
        d,
      );
    const official = (runs: Scores[]) => mean(runs.map((s) => s['official-like'].rmse));
    summary.push(
      `| ${set} | ${units.length} | **${col(model, 'official-like', (s) => s.rmse)}** | ` +
        `${mean(model.map((s) => s['official-like'].rmseRange[0])).toFixed(2)}-` +
        `${mean(model.map((s) => s['official-like'].rmseRange[1])).toFixed(2)} | ` +
        `${col(model, 'official-like', (s) => s.phm08, 0)} | ${col(model, 'early cuts', (s) => s.rmse)} | ` +
        `${col(model, 'late cuts', (s) => s.rmse)} | ${col(model, 'issue-8 cuts', (s) => s.rmse)} | ` +
        `${pct(model[0]!['official-like'].coverage)} (${pct(model[0]!['official-like'].belowP10)} / ` +
        `${pct(model[0]!['official-like'].aboveP90)}) | ${col(before, 'official-like', (s) => s.rmse)} | ` +
        `${col(before, 'early cuts', (s) => s.rmse)} | ${col(before, 'late cuts', (s) => s.rmse)} | ` +
        `${col(before, 'issue-8 cuts', (s) => s.rmse)} | ${col(before, 'official-like', (s) => s.phm08, 0)} | ` +
        `${(official(model) / official(before)).toFixed(2)} |`,
    );
  }
  console.log(
    `\nmean (lowest-highest) over ${repeats} fold splits of 5-fold CV by unit, ${draws} draws of one cut per held-out unit:`,
  );
  console.log(
    '| set | units | **RMSE, official-like cuts** | one draw, lowest-highest | PHM08 | early-leaning cuts | late-leaning cuts | issue-8 cuts | P10-P90 coverage (below P10 / above P90) | issue-8 model: official-like | early | late | issue-8 cuts | PHM08 | RMSE ratio to issue-8 |',
  );
  console.log(
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  summary.forEach((row) => console.log(row));
}

if (require.main === module) main();
