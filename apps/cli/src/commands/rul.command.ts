import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  DEFAULT_HOLDOUT,
  DEFAULT_RUL_TRAINING,
  crossValidateRul,
  predictRul,
  scoreHoldout,
  trainRulModel,
  type RulTrainingOptions,
} from '@twinlog/analytics';
import { readCmapssFile, readModelFile, writeModelFile } from './rul-files';

export const RUL_USAGE = `  twinlog rul train --input train_FD001.txt --model model.json [--cap 125] [--trees 400]
                    [--band-folds 3] [--seed 1]
                                learn an RUL model from run-to-failure units (NASA C-MAPSS format, .gz too)
  twinlog rul predict --model model.json --input test_FD001.txt --output rul.csv [--bands]
                                RUL at each unit's last cycle: unit,rul (--bands adds p10,p50,p90)
  twinlog rul evaluate --input train_FD001.txt [--folds 5] [--cuts 5] [--linear]
                                cross-validate by unit (held-out units cut early), print RMSE and PHM08`;

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
        trainingOptions(option),
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

const TRAINING = ['cap', 'trees', 'band-folds', 'seed'];
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
      `${options.boosting.trees} trees, ${model.bands ? `band from ${options.bandFolds} out-of-fold models` : 'no band'}; wrote ${modelPath}`,
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
    ...trainingOptions(option),
    ...(linear ? { regressor: 'linear' as const } : {}),
  };
  const protocol = {
    ...DEFAULT_HOLDOUT,
    folds: integer(option('folds'), DEFAULT_HOLDOUT.folds, 'folds', 2),
    cutsPerUnit: integer(option('cuts'), DEFAULT_HOLDOUT.cutsPerUnit, 'cuts', 1),
  };
  const cases = crossValidateRul(
    units,
    options,
    protocol,
    throttled(progress, (stage, done, total) => `${stage}: ${done}/${total}`),
  );
  const s = scoreHoldout(cases, options.cap, protocol.cutsPerUnit);
  out(
    `${units.length} units, ${protocol.folds} folds by unit, ${s.cases} held-out cuts: RMSE ${s.rmse.toFixed(2)} ` +
      `(vs min(truth, ${options.cap}) ${s.rmseCapped.toFixed(2)}), PHM08 ${s.phm08.toFixed(0)} per ${units.length} units, ` +
      `mean error ${s.meanError.toFixed(1)}, P10-P90 coverage ${(100 * s.coverage).toFixed(0)}%`,
  );
  return 0;
}

function trainingOptions(option: (name: string) => string | undefined): RulTrainingOptions {
  const d = DEFAULT_RUL_TRAINING;
  return {
    ...d,
    cap: integer(option('cap'), d.cap, 'cap', 1),
    bandFolds: integer(option('band-folds'), d.bandFolds, 'band-folds', 0),
    seed: integer(option('seed'), d.seed, 'seed', 0),
    boosting: { ...d.boosting, trees: integer(option('trees'), d.boosting.trees, 'trees', 1) },
  };
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
