/** Which summaries of each series describe a cycle: the feature spec stored with a model. */
export interface FeatureSpec {
  /** Exponentially weighted means with these smoothing factors (smaller = smoother). */
  ewma: number[];
  /** Means over the last N cycles (fewer early in a history). */
  means: number[];
  /** Least-squares slopes over the last N cycles, per cycle. */
  slopes: number[];
  /** Whether the cycle count itself is a feature (engines age; the test files start at cycle 1). */
  cycle: boolean;
}

export const DEFAULT_FEATURE_SPEC: FeatureSpec = {
  ewma: [0.3, 0.1],
  // Windows up to the whole history: degradation is slow, long windows see through the noise.
  means: [10, 30, 60, 120, 240],
  slopes: [15, 45, 90, 180, 360],
  cycle: true,
};

export function featureCount(spec: FeatureSpec, series: number): number {
  return (
    series * (spec.ewma.length + spec.means.length + spec.slopes.length) + (spec.cycle ? 1 : 0)
  );
}

export function featureNames(spec: FeatureSpec, seriesNames: string[]): string[] {
  const names: string[] = [];
  for (const s of seriesNames) {
    for (const a of spec.ewma) names.push(`${s}.ewma${a}`);
    for (const n of spec.means) names.push(`${s}.mean${n}`);
    for (const n of spec.slopes) names.push(`${s}.slope${n}`);
  }
  if (spec.cycle) names.push('cycle');
  return names;
}

/**
 * Features for every cycle of one history, using only that cycle and the ones before it (no
 * look-ahead, so a cycle's features are what a live twin would have had then).
 * `series[t][k]` is series k at cycle t; the result is row-major, one row per cycle.
 */
export function windowFeatures(
  spec: FeatureSpec,
  series: number[][],
  firstCycle = 1,
): Float64Array {
  const length = series.length;
  const count = series[0]?.length ?? 0;
  const width = featureCount(spec, count);
  const out = new Float64Array(length * width);
  const y = new Float64Array(length);
  const prefix = new Float64Array(length + 1);
  const prefixIy = new Float64Array(length + 1);
  let column = 0;
  for (let k = 0; k < count; k++) {
    for (let t = 0; t < length; t++) {
      y[t] = series[t]![k]!;
      prefix[t + 1] = prefix[t]! + y[t]!;
      prefixIy[t + 1] = prefixIy[t]! + t * y[t]!;
    }
    for (const alpha of spec.ewma) {
      let e = y[0] ?? 0;
      for (let t = 0; t < length; t++) {
        e = t === 0 ? y[0]! : alpha * y[t]! + (1 - alpha) * e;
        out[t * width + column] = e;
      }
      column++;
    }
    for (const window of spec.means) {
      for (let t = 0; t < length; t++) {
        const from = Math.max(0, t + 1 - window);
        out[t * width + column] = (prefix[t + 1]! - prefix[from]!) / (t + 1 - from);
      }
      column++;
    }
    for (const window of spec.slopes) {
      for (let t = 0; t < length; t++)
        out[t * width + column] = slopeEnding(prefix, prefixIy, t, window);
      column++;
    }
  }
  if (spec.cycle) for (let t = 0; t < length; t++) out[t * width + column] = firstCycle + t;
  return out;
}

/** Least-squares slope of y over cycles [t-window+1, t] from prefix sums of y and i·y. */
function slopeEnding(
  prefix: Float64Array,
  prefixIy: Float64Array,
  t: number,
  window: number,
): number {
  const from = Math.max(0, t + 1 - window);
  const n = t + 1 - from;
  if (n < 3) return 0;
  const sumI = ((from + t) * n) / 2;
  const sumI2 = sumSquares(t) - sumSquares(from - 1);
  const sumY = prefix[t + 1]! - prefix[from]!;
  const sumIy = prefixIy[t + 1]! - prefixIy[from]!;
  const denominator = n * sumI2 - sumI * sumI;
  return denominator > 0 ? (n * sumIy - sumI * sumY) / denominator : 0;
}

function sumSquares(m: number): number {
  return m < 0 ? 0 : (m * (m + 1) * (2 * m + 1)) / 6;
}
