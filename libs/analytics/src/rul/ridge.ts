/** A linear model y ≈ intercept + Σ weights·x, fitted by ridge least squares. */
export interface LinearModel {
  intercept: number;
  weights: number[];
}

/**
 * Ridge regression through the normal equations (the feature count is small): features are
 * centred so the intercept is not shrunk; `lambda` is relative to each feature's variance.
 */
export function fitRidge(
  rows: ArrayLike<number>[],
  targets: ArrayLike<number>,
  lambda = 1e-3,
): LinearModel {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const mean = new Float64Array(d);
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) mean[j]! += rows[i]![j]! / n;
    yMean += targets[i]! / n;
  }
  const a = Array.from({ length: d }, () => new Float64Array(d + 1));
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) centred[j] = rows[i]![j]! - mean[j]!;
    const y = targets[i]! - yMean;
    for (let j = 0; j < d; j++) {
      const row = a[j]!;
      const cj = centred[j]!;
      for (let k = 0; k <= j; k++) row[k]! += cj * centred[k]!;
      row[d]! += cj * y;
    }
  }
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) a[k]![j] = a[j]![k]!;
    // Shrink by a share of each feature's own spread, so the penalty is scale-free.
    a[j]![j] = a[j]![j]! > 0 ? a[j]![j]! * (1 + lambda) : lambda * n;
  }
  const weights = solve(a);
  const intercept = yMean - weights.reduce((s, w, j) => s + w * mean[j]!, 0);
  return { intercept, weights };
}

export function predictLinear(model: LinearModel, x: ArrayLike<number>): number {
  let y = model.intercept;
  for (let j = 0; j < model.weights.length; j++) y += model.weights[j]! * x[j]!;
  return y;
}

/** Gaussian elimination with partial pivoting on an augmented [A | b] system. */
function solve(a: Float64Array[]): number[] {
  const d = a.length;
  for (let col = 0; col < d; col++) {
    let pivot = col;
    for (let r = col + 1; r < d; r++)
      if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    if (Math.abs(p) < 1e-12) continue;
    for (let r = col + 1; r < d; r++) {
      const f = a[r]![col]! / p;
      if (f === 0) continue;
      for (let c = col; c <= d; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  const x = new Array<number>(d).fill(0);
  for (let r = d - 1; r >= 0; r--) {
    const p = a[r]![r]!;
    if (Math.abs(p) < 1e-12) continue;
    let s = a[r]![d]!;
    for (let c = r + 1; c < d; c++) s -= a[r]![c]! * x[c]!;
    x[r] = s / p;
  }
  return x;
}
