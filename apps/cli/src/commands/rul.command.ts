import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  DEFAULT_HOLDOUT_DRAWS,
  DEFAULT_HOLDOUT_FOLDS,
  DEFAULT_HOLDOUT_SEED,
  DEFAULT_RUL_TRAINING,
  OFFICIAL_LIKE_CUTS,
  TRAINING_LIKE_CUTS,
  WIDEST_CUTS,
  crossValidateRul,
  cutsForSet,
  predictRul,
  trainingFor,
  scoreHoldout,
  trainRulModel,
  type CutDistribution,
  type HoldoutScores,
  type RulTrainingOptions,
} from '@twinlog/analytics';
import { readCmapssFile, readModelFile, writeModelFile } from './rul-files';

export const RUL_USAGE = `  twinlog rul train --input train_FD001.txt --model model.json [--test-cut FD001] [--cap N]
                    [--trees 400] [--band-folds 5] [--seed 1]
                                learn an RUL model from run-to-failure units (NASA C-MAPSS format, .gz too)
  twinlog rul predict --model model.json --input test_FD001.txt --output rul.csv [--bands]
                                RUL at each unit's last cycle: unit,rul (--bands adds p10,p50,p90)
  twinlog rul evaluate --input train_FD001.txt [--folds 5] [--cuts 5] [--test-cut FD001] [--linear]
                                cross-validate by unit, held-out units cut like the official test sets:
                                RMSE, PHM08 and band coverage
  --test-cut FD001..FD004|widest|none: the test cuts the model is trained and judged for (default:
                                the set named in the input file, else widest; none: every cycle alike)`;

type Out = (line: string) => void;

/** `twinlog rul train|predict|evaluate`: the data-driven RUL model on C-MAPSS-format files. */
export function rulCommand(args: string[], cwd: string, out: Out, progress: Out): number {
  const [sub, ...rest] = args;
  const option = (name: string) => {
    const at = rest.indexOf(`--${name}`);
    return at >= 0 ? rest[at + 1] : undefined;
  };
  const path = (name: string, usage: string) => {
    const value = option(name);
    if (!value || value.startsWith('--')) throw new Error(`rul ${sub} needs --${name}: ${usage}`);
    return resolve(cwd, value);
  };
  const known = Object.hasOwn(KNOWN, sub ?? '') ? KNOWN[sub ?? ''] : undefined;
  const unknown = rest.filter((a) => a.startsWith('--') && !known?.includes(a.slice(2)));
  if (sub && known && unknown.length > 0)
    throw new Error(`rul ${sub} does not take ${unknown.join(', ')}:\n${RUL_USAGE}`);
  switch (sub) {
    case 'train':
      return train(
        path('input', TRAIN),
        path('model', TRAIN),
        trainingOptions(option, rest[rest.indexOf('--input') + 1] ?? ''),
        out,
        progress,
      );
    case 'predict':
      return predict(
        path('model', PREDICT),
        path('input', PREDICT),
        path('output', PREDICT),
        rest.includes('--bands'),
        out,
      );
    case 'evaluate':
      return evaluate(path('input', EVALUATE), option, rest.includes('--linear'), out, progress);
    default:
      throw new Error(`rul needs a subcommand (train, predict or evaluate):\n${RUL_USAGE}`);
  }
}

const TRAINING = ['cap', 'trees', 'band-folds', 'seed', 'test-cut'];
const KNOWN: Record<string, string[] | undefined> = {
  train: ['input', 'model', ...TRAINING],
  predict: ['model', 'input', 'output', 'bands'],
  evaluate: ['input', 'folds', 'cuts', 'linear', ...TRAINING],
};

const TRAIN = 'twinlog rul train --input train.txt --model model.json';
const PREDICT = 'twinlog rul predict --model model.json --input test.txt --output rul.csv';
const EVALUATE = 'twinlog rul evaluate --input train.txt';

function train(
  input: string,
  modelPath: string,
  options: RulTrainingOptions,
  out: Out,
  progress: Out,
): number {
  const units = readCmapssFile(input);
  const started = performance.now();
  const model = trainRulModel(
    units,
    options,
    throttled(progress, (stage, done, total) => `training ${stage}: tree ${done}/${total}`),
  );
  writeModelFile(modelPath, model);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  out(
    `trained on ${units.length} units (${model.training.rows} cycles) in ${seconds} s: ` +
      `${model.normalisation.regimes.centers.length} operating regime(s), ${model.normalisation.kept.length} sensors kept, ` +
      `${options.boosting.trees} trees, ${model.bands ? `band from ${options.bandFolds} out-of-fold models` : 'no band'}, ` +
      `${describeTraining(options)}, horizon ${options.cap}; wrote ${modelPath}`,
  );
  return 0;
}

function predict(
  modelPath: string,
  input: string,
  output: string,
  bands: boolean,
  out: Out,
): number {
  const model = readModelFile(modelPath);
  const units = readCmapssFile(input);
  const lines = [bands ? 'unit,rul,p10,p50,p90' : 'unit,rul'];
  for (const unit of units) {
    const e = predictRul(model, unit);
    const cells = bands ? [e.rul, e.p10, e.p50, e.p90] : [e.rul];
    lines.push([unit.unit, ...cells.map((v) => v.toFixed(2))].join(','));
  }
  writeFileSync(output, `${lines.join('\n')}\n`);
  out(`predicted the RUL of ${units.length} units at their last cycle; wrote ${output}`);
  return 0;
}

function evaluate(
  input: string,
  option: (name: string) => string | undefined,
  linear: boolean,
  out: Out,
  progress: Out,
): number {
  const units = readCmapssFile(input);
  const options = {
    ...trainingOptions(option, input),
    ...(linear ? { regressor: 'linear' as const } : {}),
  };
  const judged = testCutOption(option('test-cut'), input) ?? cutsForSet(input);
  const draws = integer(option('cuts'), DEFAULT_HOLDOUT_DRAWS, 'cuts', 1);
  const folds = integer(option('folds'), DEFAULT_HOLDOUT_FOLDS, 'folds', 2);
  const plans = [
    { name: 'official-like', draws, cut: judged },
    { name: 'early cuts', draws, cut: { ...judged, shape: 'early' as const } },
    { name: 'late cuts', draws, cut: { ...judged, shape: 'late' as const } },
    { name: 'issue-8 cuts', draws, cut: TRAINING_LIKE_CUTS },
  ];
  const cases = crossValidateRul(
    units,
    options,
    { folds, seed: DEFAULT_HOLDOUT_SEED, plans },
    throttled(progress, (stage, done, total) => `${stage}: ${done}/${total}`),
  );
  out(
    `${units.length} units, ${folds} folds by unit, ${draws} draws of one cut per held-out unit; ` +
      `trained ${describeTraining(options)}, horizon ${options.cap}`,
  );
  for (const plan of plans) {
    const s = scoreHoldout(
      cases.filter((c) => c.plan === plan.name),
      options.cap,
    );
    out(`${plan.name} (${describeCut(plan.cut)}): ${scoreLine(s, options.cap, units.length)}`);
  }
  return 0;
}

function scoreLine(s: HoldoutScores, cap: number, units: number): string {
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  return (
    `RMSE ${s.rmse.toFixed(2)} (draws ${s.rmseRange.map((r) => r.toFixed(2)).join('-')}; ` +
    `vs min(truth, ${cap}) ${s.rmseCapped.toFixed(2)}), PHM08 ${s.phm08.toFixed(0)} per ${units} units, ` +
    `mean error ${s.meanError.toFixed(1)}, P10-P90 coverage ${pct(s.coverage)} ` +
    `(below P10 ${pct(s.belowP10)}, above P90 ${pct(s.aboveP90)})`
  );
}

function describeTraining(options: RulTrainingOptions): string {
  if (!options.testCut) return 'on every cycle alike';
  const rows = options.weighRows ? 'rows weighted' : 'every cycle alike, band calibrated';
  return `${rows} ${describeCut(options.testCut)}`;
}

function describeCut(cut: CutDistribution): string {
  const shape = cut.shape === 'uniform' ? '' : ` (${cut.shape}-leaning)`;
  return `for cuts leaving RUL ${cut.minRul}-${cut.maxRul}${shape} after at least ${cut.minHistory} cycles`;
}

function trainingOptions(
  option: (name: string) => string | undefined,
  input: string,
): RulTrainingOptions {
  const d = DEFAULT_RUL_TRAINING;
  const judged = testCutOption(option('test-cut'), input);
  const plan = judged ? trainingFor(judged) : { testCut: null, weighRows: false, cap: d.cap };
  return {
    ...d,
    ...plan,
    cap: integer(option('cap'), plan.cap, 'cap', 1),
    bandFolds: integer(option('band-folds'), d.bandFolds, 'band-folds', 0),
    seed: integer(option('seed'), d.seed, 'seed', 0),
    boosting: { ...d.boosting, trees: integer(option('trees'), d.boosting.trees, 'trees', 1) },
  };
}

function testCutOption(raw: string | undefined, input: string): CutDistribution | null {
  if (raw === undefined) return cutsForSet(input);
  if (raw === 'none') return null;
  if (raw === 'widest') return WIDEST_CUTS;
  const named = OFFICIAL_LIKE_CUTS[raw.toUpperCase()];
  if (!named) throw new Error(`--test-cut must be FD001-FD004, widest or none, got "${raw}"`);
  return named;
}

function integer(raw: string | undefined, fallback: number, name: string, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`--${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

/** At most one progress line every half second, and always the last one of a stage. */
function throttled(progress: Out, format: (stage: string, done: number, total: number) => string) {
  let last = 0;
  return (stage: string, done: number, total: number) => {
    const now = performance.now();
    if (now - last < 500 && done < total) return;
    last = now;
    progress(format(stage, done, total));
  };
}
