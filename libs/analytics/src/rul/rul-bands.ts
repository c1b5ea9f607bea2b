/**
 * The uncertainty band: how far the truth fell from the prediction on units the model had not
 * seen (out-of-fold), as quantiles of the residual truth - prediction, in bins of the predicted
 * RUL (errors grow with the horizon). This is split conformal prediction by bin: the quantiles
 * are taken on residuals of units the predicting model did not see. Without the finite-sample
 * step ((n+1)/n on the level): each unit gives many residuals, and with it FD001's band held 88%.
 */
export interface RulBands {
  /** Upper edges of the predicted-RUL bins; the last bin is open-ended. */
  edges: number[];
  /** Per bin: residual quantiles [q10, q50, q90]. */
  residuals: [number, number, number][];
  /** How the quantiles were calibrated; absent in models trained before it was recorded. */
  calibration?: RulBandCalibration;
}

export interface RulBandCalibration {
  /**
   * `test-cut`: each residual weighted by how likely a test cut is to end a history there (the
   * band speaks for test-like predictions); `cycles`: every cycle near failure alike.
   */
  weighting: 'cycles' | 'test-cut';
  /** Held-out units whose residuals made the band. */
  units: number;
  /** The residual quantile levels meant: P10, P50, P90. */
  levels: [number, number, number];
}

export interface RulEstimate {
  /** The point estimate (cycles), in [0, cap]. */
  rul: number;
  p10: number;
  p50: number;
  p90: number;
}

/** Out-of-fold residuals to calibrate on; weights and unit ids are optional. */
export interface BandResiduals {
  predicted: number[];
  truth: number[];
  /** Relative weight of each residual (default 1). */
  weights?: number[];
  /** The held-out unit each residual came from: a bin needs enough units, not just rows. */
  units?: number[];
}

const BIN_WIDTH = 25;
const MIN_PER_BIN = 50;
const MIN_UNITS_PER_BIN = 20;
const LEVELS: [number, number, number] = [0.1, 0.5, 0.9];

export function fitBands(
  predicted: number[],
  truth: number[],
  cap: number,
  extra: Omit<BandResiduals, 'predicted' | 'truth'> = {},
): RulBands {
  const edges: number[] = [];
  for (let e = BIN_WIDTH; e < cap; e += BIN_WIDTH) edges.push(e);
  const weight = (i: number) => extra.weights?.[i] ?? 1;
  const groups = [...edges, Infinity].map(() => [] as number[]);
  predicted.forEach((p, i) => {
    if (weight(i) > 0) groups[binOf(edges, p)]!.push(i);
  });
  const enough = (pool: number[]) =>
    extra.units
      ? new Set(pool.map((i) => extra.units![i])).size >= MIN_UNITS_PER_BIN
      : pool.length >= MIN_PER_BIN;
  const everything = groups.flat();
  // A bin with too few residuals borrows from its neighbours rather than claim a narrow band.
  const residuals = groups.map((g, b) => {
    let pool = g;
    for (let reach = 1; !enough(pool) && reach < groups.length; reach++)
      pool = groups.slice(Math.max(0, b - reach), b + reach + 1).flat();
    if (pool.length === 0) pool = everything;
    const sorted = pool
      .map((i) => ({ r: truth[i]! - predicted[i]!, w: weight(i) }))
      .sort((a, c) => a.r - c.r);
    return LEVELS.map((q) => weightedQuantile(sorted, q)) as [number, number, number];
  });
  const calibration: RulBandCalibration = {
    weighting: extra.weights ? 'test-cut' : 'cycles',
    units: extra.units ? new Set(extra.units).size : 0,
    levels: LEVELS,
  };
  return { edges, residuals, calibration };
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

/** The q-quantile of residuals sorted ascending, each counting as much as its weight. */
function weightedQuantile(sorted: { r: number; w: number }[], q: number): number {
  if (sorted.length === 0) return 0;
  const total = sorted.reduce((s, x) => s + x.w, 0);
  if (!(total > 0)) return sorted[Math.floor((sorted.length - 1) * q)]!.r;
  // Each residual sits at the middle of its weight's share of [0, 1]; interpolate between them.
  let below = 0;
  let prev = { at: -Infinity, r: sorted[0]!.r };
  for (const x of sorted) {
    const at = (below + x.w / 2) / total;
    if (at >= q) {
      if (prev.at === -Infinity) return x.r;
      return prev.r + ((x.r - prev.r) * (q - prev.at)) / (at - prev.at);
    }
    prev = { at, r: x.r };
    below += x.w;
  }
  return sorted[sorted.length - 1]!.r;
}
