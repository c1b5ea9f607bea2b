/** A straight line fitted by weighted least squares, with the covariance of its parameters. */
export interface LineFit {
  /** Value at `origin` and change per unit of x. */
  level: number;
  slope: number;
  origin: number;
  /** Covariance of (level, slope): the parameters' uncertainty. */
  varLevel: number;
  varSlope: number;
  covLevelSlope: number;
  /** Weighted residual sum of squares and the effective number of points. */
  rss: number;
  points: number;
}

/**
 * Fits y = level + slope * (x - origin) with precision weights `w` (a point with weight 2 is
 * worth two of weight 1), origin at the weighted mean of x for a well-conditioned solve.
 * `noiseVariance` is the variance of a point of weight 1; the parameters' covariance uses the
 * larger of it and the residuals' own variance, so a poor fit is also an uncertain one.
 * Undefined when the points do not span two distinct x.
 */
export function fitWeightedLine(
  x: readonly number[],
  y: readonly number[],
  w: readonly number[],
  noiseVariance: number,
): LineFit | undefined {
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    sw += w[i]!;
    sx += w[i]! * x[i]!;
    sy += w[i]! * y[i]!;
  }
  if (x.length < 3 || sw <= 0) return undefined;
  const origin = sx / sw;
  const meanY = sy / sw;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i]! - origin;
    sxx += w[i]! * dx * dx;
    sxy += w[i]! * dx * (y[i]! - meanY);
  }
  if (!(sxx > 0)) return undefined;
  const slope = sxy / sxx;
  let rss = 0;
  for (let i = 0; i < x.length; i++) {
    const r = y[i]! - meanY - slope * (x[i]! - origin);
    rss += w[i]! * r * r;
  }
  const dof = Math.max(1, x.length - 2);
  // A Student t's variance (dof / (dof - 2)) for the few-point fits: their errors have heavy tails.
  const variance = Math.max(noiseVariance, rss / dof) * (dof > 4 ? dof / (dof - 2) : 3);
  return {
    level: meanY,
    slope,
    origin,
    varLevel: variance / sw,
    varSlope: variance / sxx,
    covLevelSlope: 0, // zero at the weighted mean of x, by construction
    rss,
    points: x.length,
  };
}

/** The fitted value and its variance at x (the line's uncertainty, not a new point's). */
export function lineAt(fit: LineFit, x: number): { mean: number; variance: number } {
  const dx = x - fit.origin;
  return {
    mean: fit.level + fit.slope * dx,
    variance: fit.varLevel + 2 * dx * fit.covLevelSlope + dx * dx * fit.varSlope,
  };
}
