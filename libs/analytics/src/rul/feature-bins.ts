/**
 * Histogram binning for the boosted trees: per feature, up to `maxBins` bins cut at quantiles
 * of the training values. A value goes to the first bin whose upper edge is >= it, so a split
 * "bin <= b" is the same test as "value <= edges[b]" on raw values at prediction time.
 */
export interface BinnedMatrix {
  rows: number;
  features: number;
  /** Row-major: bins[i * features + f] (a row's bins sit together, as histograms read them). */
  bins: Uint8Array;
  /** Per feature: the bins' upper edges (the last bin is open-ended). */
  edges: Float64Array[];
}

const SAMPLE = 20_000;

export function binMatrix(
  x: Float64Array,
  rows: number,
  features: number,
  maxBins: number,
): BinnedMatrix {
  if (maxBins > 256) throw new Error('at most 256 bins fit a byte');
  const bins = new Uint8Array(rows * features);
  const edges: Float64Array[] = [];
  const stride = Math.max(1, Math.floor(rows / SAMPLE));
  for (let f = 0; f < features; f++) {
    const sample: number[] = [];
    for (let i = 0; i < rows; i += stride) sample.push(x[i * features + f]!);
    const cut = edgesOf(
      sample.sort((a, b) => a - b),
      maxBins,
    );
    edges.push(cut);
    for (let i = 0; i < rows; i++) bins[i * features + f] = binOf(cut, x[i * features + f]!);
  }
  return { rows, features, bins, edges };
}

function edgesOf(sorted: number[], maxBins: number): Float64Array {
  const distinct = sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
  const cut: number[] = [];
  if (distinct.length <= maxBins) {
    for (let i = 0; i + 1 < distinct.length; i++) cut.push((distinct[i]! + distinct[i + 1]!) / 2);
  } else {
    for (let b = 1; b < maxBins; b++) {
      const v = sorted[Math.floor((b * sorted.length) / maxBins)]!;
      if (cut.length === 0 || v > cut[cut.length - 1]!) cut.push(v);
    }
  }
  return Float64Array.from(cut);
}

function binOf(edges: Float64Array, value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
