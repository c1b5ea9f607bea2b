import { normalCdf } from './normal-cdf';
import type { IndicatorTrend } from './trend-fit';
import { lineAt } from './weighted-line';

/** Seven-point Gauss-Hermite nodes and weights for an expectation over a standard normal. */
const HERMITE: Array<[number, number]> = [
  [-3.750439717725742, 0.000548268855972],
  [-2.366759410734541, 0.030757123967586],
  [-1.154405394739968, 0.240123178605013],
  [0, 0.457142857142857],
  [1.154405394739968, 0.240123178605013],
  [2.366759410734541, 0.030757123967586],
  [3.750439717725742, 0.000548268855972],
];

/**
 * The probability that a degrading indicator has reached its threshold (`zFail` in the trend's
 * z) `hours` from now: the trend extrapolated with its fit's uncertainty, and its rate taken
 * as uncertain by a log-normal factor of `rateSpread` (DegradationSettings).
 */
export function probabilityFailedBy(
  trend: IndicatorTrend,
  hours: number,
  zFail: number,
  rateSpread: number,
): number {
  const { variance } = lineAt(trend.fit, hours);
  const sd = Math.sqrt(variance);
  const dx = hours - trend.fit.origin;
  // E over the rate factor exp(spread * u), u ~ N(0, 1), by Gauss-Hermite quadrature.
  let failed = 0;
  for (let k = 0; k < HERMITE.length; k++) {
    const [u, weight] = HERMITE[k]!;
    const mean = trend.fit.level + trend.fit.slope * Math.exp(rateSpread * u) * dx;
    failed += weight * (sd > 0 ? normalCdf((mean - zFail) / sd) : mean >= zFail ? 1 : 0);
  }
  return Math.min(1, failed);
}
