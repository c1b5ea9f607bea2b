/** Small statistics over in-memory series, for fitting detectors on a warm-up window. */

export function mean(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return xs.length > 0 ? sum / xs.length : 0;
}

/** Sample standard deviation (n - 1). */
export function standardDeviation(xs: readonly number[], centre = mean(xs)): number {
  if (xs.length < 2) return 0;
  let sum = 0;
  for (const x of xs) sum += (x - centre) ** 2;
  return Math.sqrt(sum / (xs.length - 1));
}

/** The empirical q-quantile (the order statistic at floor(q * n), clamped). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)))]!;
}

/**
 * Integrated autocorrelation time: 1 + 2 * the sum of the autocorrelations, summed while they
 * stay positive (Geyer's initial positive sequence, simplified). A series of n readings with
 * time tau carries about n / tau independent readings' worth of information.
 */
export function autocorrelationTime(xs: readonly number[]): number {
  const n = xs.length;
  const centre = mean(xs);
  let variance = 0;
  for (const x of xs) variance += (x - centre) ** 2;
  if (!(variance > 0)) return 1;
  let tau = 1;
  for (let lag = 1; lag < n / 3; lag++) {
    let sum = 0;
    for (let i = lag; i < n; i++) sum += (xs[i]! - centre) * (xs[i - lag]! - centre);
    const rho = sum / variance;
    if (rho <= 0) break;
    tau += 2 * rho;
  }
  return tau;
}

/**
 * The lower p-quantile of a chi-square with `dof` degrees of freedom (Wilson-Hilferty's cube
 * approximation; good to a few percent from 2 dof up), for small p such as 0.05.
 */
export function chiSquareLowerQuantile(dof: number, z = 1.6449): number {
  const c = 2 / (9 * dof);
  return dof * Math.max(1e-3, 1 - c - z * Math.sqrt(c)) ** 3;
}

/**
 * How much a variance estimated from an autocorrelated series must grow to be an upper bound
 * (95%) of the true one: the series is worth n / tau readings, so the estimate has that many
 * degrees of freedom. About 1.15 for 300 independent readings; 3 or more for a slow signal
 * whose warm-up window holds only a few of its swings.
 */
export function varianceInflation(xs: readonly number[]): number {
  const dof = Math.max(2, xs.length / autocorrelationTime(xs));
  return dof / chiSquareLowerQuantile(dof);
}
