/**
 * The uncertainty band: how far the truth fell from the prediction on units the model had not
 * seen (out-of-fold), as quantiles of the residual truth - prediction, in bins of the predicted
 * RUL (errors grow with the horizon).
 */
export interface RulBands {
  /** Upper edges of the predicted-RUL bins; the last bin is open-ended. */
  edges: number[];
  /** Per bin: residual quantiles [q10, q50, q90]. */
  residuals: [number, number, number][];
}

export interface RulEstimate {
  /** The point estimate (cycles), in [0, cap]. */
  rul: number;
  p10: number;
  p50: number;
  p90: number;
}

const BIN_WIDTH = 25;
const MIN_PER_BIN = 50;

export function fitBands(predicted: number[], truth: number[], cap: number): RulBands {
  const edges: number[] = [];
  for (let e = BIN_WIDTH; e < cap; e += BIN_WIDTH) edges.push(e);
  const groups = [...edges, Infinity].map(() => [] as number[]);
  predicted.forEach((p, i) => groups[binOf(edges, p)]!.push(truth[i]! - p));
  const all = predicted.map((p, i) => truth[i]! - p);
  // A bin with too few residuals borrows from its neighbours rather than claim a narrow band.
  const residuals = groups.map((g, b) => {
    let pool = g;
    for (let reach = 1; pool.length < MIN_PER_BIN && reach < groups.length; reach++)
      pool = groups.slice(Math.max(0, b - reach), b + reach + 1).flat();
    if (pool.length === 0) pool = all;
    const sorted = [...pool].sort((a, c) => a - c);
    return [quantile(sorted, 0.1), quantile(sorted, 0.5), quantile(sorted, 0.9)] as [
      number,
      number,
      number,
    ];
  });
  return { edges, residuals };
}

export function estimateWithBands(point: number, bands: RulBands | null, cap: number): RulEstimate {
  const clamp = (v: number) => Math.min(Math.max(v, 0), cap);
  const rul = clamp(point);
  if (!bands) return { rul, p10: rul, p50: rul, p90: rul };
  const [q10, q50, q90] = bands.residuals[binOf(bands.edges, rul)]!;
  return { rul, p10: clamp(rul + q10), p50: clamp(rul + q50), p90: clamp(rul + q90) };
}

function binOf(edges: number[], value: number): number {
  const at = edges.findIndex((e) => value < e);
  return at < 0 ? edges.length : at;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}
