/** The p-th percentile (0-100) of sorted values, linearly interpolated (type 7, as R and NumPy). */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const position = (p / 100) * (n - 1);
  const lo = Math.floor(position);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (position - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Percentiles of `values` (reordered in place) without a full sort: quickselect for each rank
 * in ascending order, each searching only right of the previous one. Same answers as
 * percentileOfSorted.
 */
export function percentilesInPlace(
  values: Float64Array,
  ps: readonly number[],
  out: number[],
): void {
  const n = values.length;
  let left = 0;
  ps.forEach((p, i) => {
    const position = (p / 100) * (n - 1);
    const lo = Math.floor(position);
    select(values, lo, left, n - 1);
    let above = values[lo]!;
    if (lo + 1 < n) {
      above = values[lo + 1]!;
      for (let j = lo + 2; j < n; j++) if (values[j]! < above) above = values[j]!;
    }
    out[i] = values[lo]! + (position - lo) * (above - values[lo]!);
    left = lo;
  });
}

/** Hoare's quickselect: afterwards a[k] holds rank k, smaller ranks left of it, larger right. */
function select(a: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    // Median of three as the pivot keeps sorted and reversed input linear.
    const mid = (left + right) >> 1;
    if (a[mid]! < a[left]!) swap(a, mid, left);
    if (a[right]! < a[left]!) swap(a, right, left);
    if (a[right]! < a[mid]!) swap(a, right, mid);
    const pivot = a[mid]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
