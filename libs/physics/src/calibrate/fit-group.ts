import type { CalibrationGroupReport, ParameterSpec } from '../model/physics-model';
import { leastSquares } from './least-squares';

/** A parameter is "determined" when its standard error is at most this share of its value. */
export const MAX_RELATIVE_ERROR = 0.5;
/** Readings needed per estimated quantity (parameters and nuisance values) before fitting. */
export const POINTS_PER_UNKNOWN = 5;
export const MIN_POINTS = 12;

/** One way to fit a group: which parameters to estimate, and how the model predicts the target. */
export interface FitAttempt {
  /** Model parameters estimated (the others keep their declared or earlier-fitted values). */
  fitted: readonly ParameterSpec[];
  /** Extra unknowns of the fit that are not model parameters (an initial temperature), with start values. */
  nuisance: ReadonlyArray<{ name: string; start: number; scale: number }>;
  start: readonly number[];
  /** Writes the prediction of each observation for (fitted..., nuisance...) values. */
  predict(theta: readonly number[], out: Float64Array): void;
}

export interface GroupFit {
  report: CalibrationGroupReport;
  values: Record<string, number>;
  covariance: { names: string[]; covariance: number[][] } | null;
  noise: number | null;
  /** The nuisance values of the chosen fit, by name. */
  nuisance: Record<string, number>;
}

/**
 * Fits a group of parameters to one property's readings, trying the most ambitious set first
 * and falling back to smaller sets when the data does not determine them (too few readings,
 * a singular or ill-conditioned fit, an estimate outside its physical range). When nothing is
 * determined the group keeps the model's declared defaults, and says why.
 */
export function fitGroup(
  group: string,
  target: string,
  observed: Float64Array,
  attempts: readonly FitAttempt[],
  unavailable: string | null = null,
): GroupFit {
  const points = observed.length;
  const fallback = (reason: string): GroupFit => ({
    report: { group, target, status: 'default', points, rmse: null, r2: null, fitted: [], reason },
    values: {},
    covariance: null,
    noise: null,
    nuisance: {},
  });
  if (unavailable) return fallback(unavailable);
  const reasons: string[] = [];
  for (const [index, attempt] of attempts.entries()) {
    const names = attempt.fitted.map((p) => p.name);
    const unknowns = names.length + attempt.nuisance.length;
    const needed = Math.max(MIN_POINTS, POINTS_PER_UNKNOWN * unknowns);
    if (points < needed) {
      reasons.push(`${points} ${target} readings, ${needed} needed to fit ${names.join(', ')}`);
      continue;
    }
    const fit = leastSquares({
      observed,
      predict: attempt.predict,
      start: [...attempt.start, ...attempt.nuisance.map((n) => n.start)],
      lower: [
        ...attempt.fitted.map((p) => (p.positive ? Number.MIN_VALUE : (p.min ?? -Infinity))),
        ...attempt.nuisance.map(() => -Infinity),
      ],
      upper: [
        ...attempt.fitted.map((p) => p.max ?? Infinity),
        ...attempt.nuisance.map(() => Infinity),
      ],
      scale: [
        ...attempt.start.map((v) => Math.max(Math.abs(v), 1e-6)),
        ...attempt.nuisance.map((n) => n.scale),
      ],
    });
    const problem = undetermined(attempt, fit.theta, fit.covariance);
    if (problem) {
      reasons.push(problem);
      continue;
    }
    const k = names.length;
    return {
      report: {
        group,
        target,
        status: index === 0 ? 'fitted' : 'partial',
        points,
        rmse: fit.rmse,
        r2: fit.r2,
        fitted: names,
        reason: index === 0 ? null : reasons.join('; '),
      },
      values: Object.fromEntries(names.map((name, i) => [name, fit.theta[i]!])),
      covariance: {
        names,
        covariance: fit.covariance!.slice(0, k).map((row) => row.slice(0, k)),
      },
      noise: fit.sigma,
      nuisance: Object.fromEntries(attempt.nuisance.map((n, i) => [n.name, fit.theta[k + i]!])),
    };
  }
  return fallback(reasons.join('; ') || 'nothing to fit');
}

function undetermined(
  attempt: FitAttempt,
  theta: number[],
  covariance: number[][] | null,
): string | null {
  const names = attempt.fitted.map((p) => p.name).join(', ');
  if (!covariance) return `the readings do not determine ${names} (singular fit)`;
  for (const [i, spec] of attempt.fitted.entries()) {
    const value = theta[i]!;
    const stdErr = Math.sqrt(Math.max(0, covariance[i]![i]!));
    if (!Number.isFinite(value) || !Number.isFinite(stdErr))
      return `${spec.name}: no finite estimate`;
    const atBound =
      (spec.min !== undefined && value <= spec.min) ||
      (spec.positive && value <= 1e-300) ||
      (spec.max !== undefined && value >= spec.max);
    if (atBound) return `${spec.name} ran into its physical bound (${value})`;
    if (stdErr > MAX_RELATIVE_ERROR * Math.abs(value)) {
      return `${spec.name} is poorly determined (${fmt(value)} ± ${fmt(stdErr)})`;
    }
  }
  return null;
}

const fmt = (v: number) => Number(v.toPrecision(3)).toString();
