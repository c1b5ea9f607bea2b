import { binMatrix } from './feature-bins';
import { seededRandom, shuffled } from './random';
import {
  HistogramPool,
  growTree,
  predictTree,
  predictTreeBinned,
  type RegressionTree,
  type TreeSettings,
} from './regression-tree';

export interface BoostingSettings extends TreeSettings {
  trees: number;
  learningRate: number;
  /** Share of rows each tree sees (stochastic boosting: less variance, faster). */
  rowSample: number;
  /** Share of features each tree may split on. */
  featureSample: number;
  maxBins: number;
  seed: number;
}

export const DEFAULT_BOOSTING: BoostingSettings = {
  trees: 400,
  learningRate: 0.05,
  maxLeaves: 12,
  minLeafRows: 30,
  lambda: 1,
  rowSample: 0.5,
  featureSample: 0.5,
  maxBins: 64,
  seed: 1,
};

/** Gradient-boosted regression trees for squared loss: a constant, then trees fitted to the residuals. */
export interface BoostedTrees {
  base: number;
  trees: RegressionTree[];
}

/**
 * `x` is row-major (rows × features). `onTree` reports progress after each tree. Optional row
 * `weights` (relative) are honoured by sampling: each tree takes a row with probability
 * rowSample × weight / max weight, so a weighted row counts in expectation as often as its
 * weight says (importance sampling, the stochastic-boosting way to weight a squared loss).
 */
export function trainBoostedTrees(
  x: Float64Array,
  y: Float64Array,
  features: number,
  settings: BoostingSettings,
  onTree?: (done: number, total: number) => void,
  weights?: Float64Array,
): BoostedTrees {
  const rows = y.length;
  const data = binMatrix(x, rows, features, settings.maxBins);
  const random = seededRandom(settings.seed);
  const keep = samplingOdds(rows, settings.rowSample, weights);
  const base = weightedMean(y, weights);
  const prediction = new Float64Array(rows).fill(base);
  const grad = new Float64Array(rows);
  const allFeatures = Array.from({ length: features }, (_, f) => f);
  const featuresPerTree = Math.max(1, Math.round(settings.featureSample * features));
  const trees: RegressionTree[] = [];
  const sampled = new Uint32Array(rows);
  const pool = HistogramPool.for(data);
  for (let t = 0; t < settings.trees; t++) {
    for (let i = 0; i < rows; i++) grad[i] = prediction[i]! - y[i]!;
    let taken = 0;
    for (let i = 0; i < rows; i++) if (random() < keep[i]!) sampled[taken++] = i;
    const chosen = shuffled(allFeatures, random)
      .slice(0, featuresPerTree)
      .sort((a, b) => a - b);
    const { tree, splitBin } = growTree(
      data,
      grad,
      sampled.slice(0, taken),
      chosen,
      settings,
      settings.learningRate,
      pool,
    );
    for (let i = 0; i < rows; i++) prediction[i]! += predictTreeBinned(tree, splitBin, data, i);
    trees.push(tree);
    onTree?.(t + 1, settings.trees);
  }
  return { base, trees };
}

/** Prediction for the row of `features` values starting at `offset` in `x`. */
export function predictBoostedTrees(model: BoostedTrees, x: ArrayLike<number>, offset = 0): number {
  let y = model.base;
  for (const tree of model.trees) y += predictTree(tree, x, offset);
  return y;
}

function samplingOdds(rows: number, rowSample: number, weights?: Float64Array): Float64Array {
  if (!weights) return new Float64Array(rows).fill(rowSample);
  const most = weights.reduce((m, w) => Math.max(m, w), 0);
  return weights.map((w) => (most > 0 ? (rowSample * w) / most : 0));
}

function weightedMean(y: Float64Array, weights?: Float64Array): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const w = weights ? weights[i]! : 1;
    sum += w * y[i]!;
    total += w;
  }
  return total > 0 ? sum / total : 0;
}
