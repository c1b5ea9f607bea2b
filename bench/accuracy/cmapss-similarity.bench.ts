// Trajectory-similarity RUL (issue 23) against the boosted trees, in the same folds and on the
// same cuts as bench:cmapss (5 folds by unit, seed 7, 5 draws per plan, the same random
// streams, so the trees' figures equal bench:cmapss's `model` row). Prints each model's RMSE per
// plan, their mean (ensemble) and the ratio to the trees.
//
//   npm run bench:cmapss-similarity -- --sets FD004 --every 2             # development
//   npm run bench:cmapss-similarity -- --sets FD004 --every 2 --no-trees  # similarity variants only
//   npm run bench:cmapss-similarity -- --sets FD001,FD004
import {
  DEFAULT_HOLDOUT_DRAWS,
  DEFAULT_HOLDOUT_SEED,
  DEFAULT_RUL_TRAINING,
  DEFAULT_SIMILARITY,
  OFFICIAL_LIKE_CUTS,
  drawTruth,
  fitSimilarityModel,
  predictRul,
  predictSimilarityRul,
  rmse,
  trainRulModel,
  trainingFor,
  truncateUnit,
  type SimilaritySettings,
  type UnitHistory,
} from '@twinlog/analytics';
import { seededRandom } from '../../libs/analytics/src/rul/random';
import { allBut, unitFolds } from '../../libs/analytics/src/rul/unit-folds';
import { CMAPSS_SETS, loadCmapssTraining } from './cmapss-data';
import { option, PLANS, plansFor } from './cmapss-plans';

const draws = Number(option('cuts') ?? DEFAULT_HOLDOUT_DRAWS);
const every = Number(option('every') ?? 1);
const withTrees = !process.argv.includes('--no-trees');
const SHORT = Number(option('short') ?? 100);

/** Similarity variants to compare (`--variants '[{"decay":30}]'`), each over the defaults. */
const variants: SimilaritySettings[] = (
  JSON.parse(option('variants') ?? '[{}]') as Partial<SimilaritySettings>[]
).map((v) => ({ ...DEFAULT_SIMILARITY, ...v }));

interface Case {
  plan: string;
  draw: number;
  cycles: number;
  truth: number;
  /** One prediction per model name. */
  predicted: Record<string, number>;
}

function crossValidate(set: string, units: UnitHistory[]): Case[] {
  const seed = DEFAULT_HOLDOUT_SEED;
  const cut = OFFICIAL_LIKE_CUTS[set]!;
  const folds = unitFolds(units, 5, seed);
  const plans = plansFor(set, draws);
  const cases: Case[] = [];
  folds.forEach((held, fold) => {
    const train = allBut(folds, fold);
    const started = performance.now();
    const trees = withTrees
      ? trainRulModel(train, { ...DEFAULT_RUL_TRAINING, bandFolds: 0, ...trainingFor(cut) })
      : null;
    const similarity = variants.map((v) => fitSimilarityModel(train, v, DEFAULT_RUL_TRAINING.seed));
    plans.forEach((plan, p) => {
      // The stream crossValidateRul uses for this plan and fold: the same cuts.
      const random = seededRandom(seed * 7919 + p * 104_729 + fold);
      for (const unit of held)
        for (let draw = 0; draw < plan.draws; draw++) {
          const truth = drawTruth(plan.cut, unit.cycles.length, random());
          if (truth === null) continue;
          const cycles = unit.cycles.length - truth;
          const seen = truncateUnit(unit, cycles);
          const predicted: Record<string, number> = {};
          if (trees) predicted['trees'] = predictRul(trees, seen).rul;
          similarity.forEach((model, i) => {
            predicted[`similarity ${i}`] = predictSimilarityRul(model, seen, cut);
          });
          if (trees && similarity.length > 0) {
            const [t, sim] = [predicted['trees']!, predicted['similarity 0']!];
            predicted['mean 0'] = (t + sim) / 2;
            // Picked by history length: the trees' weak spot is short histories.
            predicted[`similarity 0 if seen < ${SHORT}`] = cycles < SHORT ? sim : t;
            predicted[`mean 0 if seen < ${SHORT}`] = cycles < SHORT ? (t + sim) / 2 : t;
          }
          cases.push({ plan: plan.name, draw, cycles, truth, predicted });
        }
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    process.stderr.write(`  ${set} fold ${fold + 1}/5 done (${seconds} s)\n`);
  });
  return cases;
}

/** RMSE per draw, mean over draws (as scoreHoldout). */
function meanRmse(cases: Case[], model: string): number {
  const byDraw = new Map<number, Case[]>();
  for (const c of cases) byDraw.set(c.draw, [...(byDraw.get(c.draw) ?? []), c]);
  const values = [...byDraw.values()].map((set) =>
    rmse(
      set.map((c) => c.predicted[model]!),
      set.map((c) => c.truth),
    ),
  );
  return values.reduce((s, x) => s + x, 0) / values.length;
}

function main(): void {
  const sets = (option('sets') ?? CMAPSS_SETS.join(',')).split(',');
  variants.forEach((v, i) => console.log(`similarity ${i}: ${JSON.stringify(v)}`));
  for (const set of sets) {
    const units = loadCmapssTraining(set).filter((_, i) => i % every === 0);
    const cases = crossValidate(set, units);
    const models = Object.keys(cases[0]!.predicted);
    console.log(`\n${set} (${units.length} units): RMSE per plan (ratio to trees)`);
    console.log(`| model | ${PLANS.join(' | ')} | official-like, truth > 150 / seen < 100 |`);
    for (const model of models) {
      const cells = PLANS.map((plan) => {
        const mine = meanRmse(
          cases.filter((c) => c.plan === plan),
          model,
        );
        const base = withTrees
          ? meanRmse(
              cases.filter((c) => c.plan === plan),
              'trees',
            )
          : NaN;
        return withTrees ? `${mine.toFixed(2)} (${(mine / base).toFixed(2)})` : mine.toFixed(2);
      });
      const hard = cases.filter((c) => c.plan === PLANS[0] && c.truth > 150 && c.cycles < 100);
      const hardRmse = hard.length
        ? rmse(
            hard.map((c) => c.predicted[model]!),
            hard.map((c) => c.truth),
          ).toFixed(1)
        : '-';
      console.log(`| ${model} | ${cells.join(' | ')} | ${hardRmse} (${hard.length} cases) |`);
    }
    // Where the errors are: official-like cuts by true RUL, mean error (bias) / RMSE.
    const bins = [0, 50, 100, 150, 200];
    console.log(
      `official-like by true RUL, mean error / RMSE: ${bins
        .slice(1)
        .map((b, i) => `${bins[i]}-${b}`)
        .join(', ')}`,
    );
    for (const model of models) {
      const cells = bins.slice(1).map((hi, i) => {
        const inBin = cases.filter(
          (c) => c.plan === PLANS[0] && c.truth >= bins[i]! && c.truth < hi,
        );
        if (inBin.length === 0) return '-';
        const errors = inBin.map((c) => c.predicted[model]! - c.truth);
        const bias = errors.reduce((s, e) => s + e, 0) / errors.length;
        const r = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
        return `${bias.toFixed(1)} / ${r.toFixed(1)}`;
      });
      console.log(`  ${model}: ${cells.join(', ')}`);
    }
  }
}

if (require.main === module) main();
