// Accuracy of the data-driven RUL model on NASA C-MAPSS (issue 8), by cross-validation over
// whole units: 5 folds by unit; every model (normalisation, health index, trees, band) is fitted
// on the other folds' units only; each held-out unit is cut early like the official test sets
// and the RUL at its last seen cycle is scored. The baseline is a linear fit on the same features.
//
//   npm run bench:cmapss                          # FD001-FD004 from ../shared/data/cmapss
//   npm run bench:cmapss -- --sets FD001 --cuts 3 # a quicker run
import {
  DEFAULT_HOLDOUT,
  DEFAULT_RUL_TRAINING,
  crossValidateRul,
  scoreHoldout,
  type HoldoutScores,
  type RulTrainingOptions,
} from '@twinlog/analytics';
import { CMAPSS_SETS, loadCmapssTraining } from './cmapss-data';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function line(name: string, s: HoldoutScores, seconds: number): string {
  return (
    `  ${name.padEnd(9)} RMSE ${s.rmse.toFixed(2).padStart(6)}  (vs capped truth ${s.rmseCapped.toFixed(2).padStart(6)})` +
    `  PHM08 ${s.phm08.toFixed(0).padStart(7)}  bias ${s.meanError.toFixed(1).padStart(5)}` +
    `  P10-P90 coverage ${(100 * s.coverage).toFixed(0)}%  ${seconds.toFixed(0)} s`
  );
}

function measure(set: string, name: string, options: RulTrainingOptions): HoldoutScores {
  const units = loadCmapssTraining(set);
  const protocol = {
    ...DEFAULT_HOLDOUT,
    cutsPerUnit: Number(option('cuts') ?? DEFAULT_HOLDOUT.cutsPerUnit),
  };
  const started = performance.now();
  let last = 0;
  const cases = crossValidateRul(units, options, protocol, (stage, done, total) => {
    const now = performance.now();
    if (now - last > 2000 || done === total) {
      process.stderr.write(`  ${set} ${name}: ${stage} ${done}/${total}\n`);
      last = now;
    }
  });
  const scores = scoreHoldout(cases, options.cap, protocol.cutsPerUnit);
  console.log(`${set} ${line(name, scores, (performance.now() - started) / 1000)}`);
  return scores;
}

function main(): void {
  const sets = (option('sets') ?? CMAPSS_SETS.join(',')).split(',');
  const rows: string[] = [];
  for (const set of sets) {
    const trees = measure(set, 'trees', DEFAULT_RUL_TRAINING);
    const linear = measure(set, 'linear', { ...DEFAULT_RUL_TRAINING, regressor: 'linear' });
    rows.push(
      `${set}  trees RMSE ${trees.rmse.toFixed(2)}, PHM08 ${trees.phm08.toFixed(0)}; linear RMSE ` +
        `${linear.rmse.toFixed(2)}, PHM08 ${linear.phm08.toFixed(0)}; RMSE ratio trees/linear ` +
        `${(trees.rmse / linear.rmse).toFixed(2)}`,
    );
  }
  console.log(
    `\nsummary (5 folds by unit, ${option('cuts') ?? DEFAULT_HOLDOUT.cutsPerUnit} cuts per held-out unit):`,
  );
  rows.forEach((r) => console.log(`  ${r}`));
  console.log(
    'published FD001 test RMSE: CNN 18.45, deep LSTM 16.14, DCNN 12.61, transformer-era 11-12',
  );
}

if (require.main === module) main();
