import type { BinnedMatrix } from './feature-bins';

/** A regression tree as flat arrays; node 0 is the root, a leaf has feature -1. */
export interface RegressionTree {
  feature: number[];
  /** Go left when value <= threshold. */
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export interface TreeSettings {
  maxLeaves: number;
  minLeafRows: number;
  /** L2 penalty on leaf values (shrinks leaves backed by few rows). */
  lambda: number;
}

interface Leaf {
  node: number;
  rows: Uint32Array;
  hist: Float64Array;
  sumGrad: number;
  gain: number;
  feature: number;
  bin: number;
}

/**
 * Grows one tree best-first (the leaf whose split gains most is split next, up to maxLeaves)
 * on gradient histograms; a child's histogram is the parent's minus its sibling's, so only the
 * smaller child is ever counted. Squared loss: every row's hessian is 1, so counts stand in.
 * Returns the tree (leaf values already scaled by `shrink`) and each node's split bin.
 */
export function growTree(
  data: BinnedMatrix,
  grad: Float64Array,
  rows: Uint32Array,
  features: number[],
  settings: TreeSettings,
  shrink: number,
  pool: HistogramPool = HistogramPool.for(data),
): { tree: RegressionTree; splitBin: number[] } {
  const width = histWidth(data);
  const tree: RegressionTree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const splitBin: number[] = [];
  const addNode = (value: number) => {
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(value);
    splitBin.push(-1);
    return tree.feature.length - 1;
  };
  const makeLeaf = (leafRows: Uint32Array, hist: Float64Array): Leaf => {
    let sumGrad = 0;
    for (let i = 0; i < leafRows.length; i++) sumGrad += grad[leafRows[i]!]!;
    const node = addNode((-sumGrad / (leafRows.length + settings.lambda)) * shrink);
    const leaf: Leaf = { node, rows: leafRows, hist, sumGrad, gain: 0, feature: -1, bin: -1 };
    bestSplit(data, leaf, features, settings, width);
    return leaf;
  };
  const leaves = [makeLeaf(rows, histogram(data, grad, rows, features, width, pool))];
  let leafCount = 1;
  while (leafCount < settings.maxLeaves) {
    let pick = -1;
    leaves.forEach((l, i) => {
      if (l.gain > 0 && (pick < 0 || l.gain > leaves[pick]!.gain)) pick = i;
    });
    if (pick < 0) break;
    const parent = leaves[pick]!;
    const [leftRows, rightRows] = partition(data, parent);
    const leftSmaller = leftRows.length <= rightRows.length;
    const small = histogram(data, grad, leftSmaller ? leftRows : rightRows, features, width, pool);
    const large = parent.hist;
    for (let i = 0; i < large.length; i++) large[i]! -= small[i]!;
    const left = makeLeaf(leftRows, leftSmaller ? small : large);
    const right = makeLeaf(rightRows, leftSmaller ? large : small);
    tree.feature[parent.node] = parent.feature;
    tree.threshold[parent.node] = data.edges[parent.feature]![parent.bin]!;
    tree.left[parent.node] = left.node;
    tree.right[parent.node] = right.node;
    splitBin[parent.node] = parent.bin;
    leaves.splice(pick, 1, left, right);
    leafCount++;
  }
  for (const leaf of leaves) pool.give(leaf.hist);
  return { tree, splitBin };
}

export function predictTree(tree: RegressionTree, x: ArrayLike<number>, offset = 0): number {
  let node = 0;
  while (tree.feature[node]! >= 0)
    node =
      x[offset + tree.feature[node]!]! <= tree.threshold[node]!
        ? tree.left[node]!
        : tree.right[node]!;
  return tree.value[node]!;
}

/** The same walk on the training matrix's bins (exactly the raw-value test, without re-reading values). */
export function predictTreeBinned(
  tree: RegressionTree,
  splitBin: number[],
  data: BinnedMatrix,
  row: number,
): number {
  let node = 0;
  while (tree.feature[node]! >= 0)
    node =
      data.bins[row * data.features + tree.feature[node]!]! <= splitBin[node]!
        ? tree.left[node]!
        : tree.right[node]!;
  return tree.value[node]!;
}

function histWidth(data: BinnedMatrix): number {
  return data.edges.reduce((m, e) => Math.max(m, e.length + 1), 1);
}

/** Per feature and bin: the sum of gradients and the row count, interleaved. */
function histogram(
  data: BinnedMatrix,
  grad: Float64Array,
  rows: Uint32Array,
  features: number[],
  width: number,
  pool: HistogramPool,
): Float64Array {
  const hist = pool.take();
  const bins = data.bins;
  const stride = data.features;
  const chosen = Int32Array.from(features);
  const offsets = Int32Array.from(features, (f) => f * width * 2);
  const count = chosen.length;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const base = r * stride;
    const g = grad[r]!;
    for (let k = 0; k < count; k++) {
      const at = offsets[k]! + 2 * bins[base + chosen[k]!]!;
      hist[at]! += g;
      hist[at + 1]! += 1;
    }
  }
  return hist;
}

/** Histograms are the big allocation: reused across nodes and trees instead of left to the GC. */
export class HistogramPool {
  private readonly free: Float64Array[] = [];
  constructor(private readonly size: number) {}

  static for(data: BinnedMatrix): HistogramPool {
    return new HistogramPool(data.features * histWidth(data) * 2);
  }

  take(): Float64Array {
    const reused = this.free.pop();
    if (!reused) return new Float64Array(this.size);
    reused.fill(0);
    return reused;
  }

  give(hist: Float64Array): void {
    this.free.push(hist);
  }
}

function bestSplit(
  data: BinnedMatrix,
  leaf: Leaf,
  features: number[],
  s: TreeSettings,
  width: number,
): void {
  const total = leaf.rows.length;
  if (total < 2 * s.minLeafRows) return;
  const parentScore = (leaf.sumGrad * leaf.sumGrad) / (total + s.lambda);
  for (const f of features) {
    const base = f * width * 2;
    const bins = data.edges[f]!.length + 1;
    let gradLeft = 0;
    let countLeft = 0;
    for (let b = 0; b < bins - 1; b++) {
      gradLeft += leaf.hist[base + 2 * b]!;
      countLeft += leaf.hist[base + 2 * b + 1]!;
      if (countLeft < s.minLeafRows) continue;
      const countRight = total - countLeft;
      if (countRight < s.minLeafRows) break;
      const gradRight = leaf.sumGrad - gradLeft;
      const gain =
        (gradLeft * gradLeft) / (countLeft + s.lambda) +
        (gradRight * gradRight) / (countRight + s.lambda) -
        parentScore;
      if (gain > leaf.gain + 1e-12) [leaf.gain, leaf.feature, leaf.bin] = [gain, f, b];
    }
  }
}

function partition(data: BinnedMatrix, leaf: Leaf): [Uint32Array, Uint32Array] {
  const stride = data.features;
  const f = leaf.feature;
  let leftCount = 0;
  for (let i = 0; i < leaf.rows.length; i++)
    if (data.bins[leaf.rows[i]! * stride + f]! <= leaf.bin) leftCount++;
  const left = new Uint32Array(leftCount);
  const right = new Uint32Array(leaf.rows.length - leftCount);
  let l = 0;
  let r = 0;
  for (let i = 0; i < leaf.rows.length; i++) {
    const row = leaf.rows[i]!;
    if (data.bins[row * stride + f]! <= leaf.bin) left[l++] = row;
    else right[r++] = row;
  }
  return [left, right];
}
