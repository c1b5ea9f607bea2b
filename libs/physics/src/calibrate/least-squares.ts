import { cholesky, choleskySolve, spdInverse, type Matrix } from '../math/linear-algebra';

export interface LeastSquaresProblem {
  /** What the model should reproduce. */
  observed: Float64Array;
  /** Writes the model's prediction of each observation for parameters `theta`. */
  predict(theta: readonly number[], out: Float64Array): void;
  start: number[];
  /** Box bounds; a step that would leave them stops at them. */
  lower?: number[];
  upper?: number[];
  /** Typical magnitude of each parameter, for finite-difference steps (default: 1). */
  scale?: number[];
}

export interface LeastSquaresFit {
  theta: number[];
  /** s²·(JᵀJ)⁻¹ at the optimum; null when the data does not determine every parameter. */
  covariance: Matrix | null;
  /** Root mean square residual. */
  rmse: number;
  /** Residual standard deviation with the degrees of freedom the fit used (N − k). */
  sigma: number;
  /** Share of the observations' variance the fit explains. */
  r2: number;
  iterations: number;
}

/**
 * Levenberg-Marquardt with Marquardt's diagonal scaling and a forward-difference Jacobian:
 * for the small, smooth, mostly well-posed fits of a calibration (2-5 parameters, hundreds to
 * thousands of readings). The covariance at the optimum is the usual Gauss-Newton estimate.
 */
export function leastSquares(problem: LeastSquaresProblem): LeastSquaresFit {
  const { observed } = problem;
  const n = observed.length;
  const k = problem.start.length;
  const predicted = new Float64Array(n);
  const probe = new Float64Array(n);
  const cost = (theta: number[]): number => {
    problem.predict(theta, predicted);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (predicted[i]! - observed[i]!) ** 2;
    return Number.isFinite(sum) ? sum : Number.POSITIVE_INFINITY;
  };
  let theta = clamp(problem, [...problem.start]);
  let current = cost(theta);
  let lambda = 1e-3;
  let iterations = 0;
  let jacobian = computeJacobian(problem, theta, probe, predicted);
  for (; iterations < 200; iterations++) {
    const { a, g } = normalEquations(jacobian, predicted, observed);
    let improved = false;
    while (lambda < 1e12) {
      const damped = a.map((row, i) =>
        row.map((v, j) => (i === j ? v * (1 + lambda) + 1e-300 : v)),
      );
      const l = cholesky(damped);
      if (!l) {
        lambda *= 10;
        continue;
      }
      const step = choleskySolve(
        l,
        g.map((v) => -v),
      );
      const candidate = clamp(
        problem,
        theta.map((v, i) => v + step[i]!),
      );
      const next = cost(candidate);
      if (next < current) {
        const relative = (current - next) / Math.max(current, 1e-300);
        const moved = candidate.some(
          (v, i) => Math.abs(v - theta[i]!) > 1e-10 * Math.max(1, Math.abs(v)),
        );
        theta = candidate;
        current = next;
        lambda = Math.max(lambda / 3, 1e-12);
        improved = relative > 1e-12 && moved;
        break;
      }
      lambda *= 4;
    }
    cost(theta); // leaves the prediction at theta in `predicted` for the next Jacobian
    jacobian = computeJacobian(problem, theta, probe, predicted);
    if (!improved) break;
  }
  cost(theta);
  const { a } = normalEquations(jacobian, predicted, observed);
  const dof = Math.max(1, n - k);
  const sigma2 = current / dof;
  const inverse = spdInverse(a);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += observed[i]!;
  mean /= Math.max(1, n);
  let total = 0;
  for (let i = 0; i < n; i++) total += (observed[i]! - mean) ** 2;
  return {
    theta,
    covariance: inverse ? inverse.map((row) => row.map((v) => v * sigma2)) : null,
    rmse: Math.sqrt(current / Math.max(1, n)),
    sigma: Math.sqrt(sigma2),
    r2: total > 0 ? 1 - current / total : current === 0 ? 1 : 0,
    iterations,
  };
}

/** Columns of ∂prediction/∂θⱼ by forward differences around the prediction in `base`. */
function computeJacobian(
  problem: LeastSquaresProblem,
  theta: number[],
  probe: Float64Array,
  base: Float64Array,
): Float64Array[] {
  return theta.map((value, j) => {
    const h = 1e-6 * Math.max(Math.abs(value), problem.scale?.[j] ?? 1);
    // Step inwards at an upper bound so the probe stays feasible.
    const upper = problem.upper?.[j];
    const signed = upper !== undefined && value + h > upper ? -h : h;
    const shifted = [...theta];
    shifted[j] = value + signed;
    problem.predict(shifted, probe);
    const column = new Float64Array(base.length);
    for (let i = 0; i < base.length; i++) column[i] = (probe[i]! - base[i]!) / signed;
    return column;
  });
}

function normalEquations(
  jacobian: Float64Array[],
  predicted: Float64Array,
  observed: Float64Array,
): { a: Matrix; g: number[] } {
  const k = jacobian.length;
  const a: Matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const g = new Array<number>(k).fill(0);
  for (let p = 0; p < k; p++) {
    const jp = jacobian[p]!;
    for (let q = p; q < k; q++) {
      const jq = jacobian[q]!;
      let sum = 0;
      for (let i = 0; i < jp.length; i++) sum += jp[i]! * jq[i]!;
      a[p]![q] = sum;
      a[q]![p] = sum;
    }
    let sum = 0;
    for (let i = 0; i < jp.length; i++) sum += jp[i]! * (predicted[i]! - observed[i]!);
    g[p] = sum;
  }
  return { a, g };
}

function clamp(problem: LeastSquaresProblem, theta: number[]): number[] {
  return theta.map((v, i) =>
    Math.min(
      problem.upper?.[i] ?? Number.POSITIVE_INFINITY,
      Math.max(problem.lower?.[i] ?? Number.NEGATIVE_INFINITY, v),
    ),
  );
}
