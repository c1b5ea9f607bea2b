import type { HealthBand } from '@twinlog/domain';
import type { IndicatorSpec } from './health-indicators';
import { normalCdf } from './normal-cdf';

/**
 * A level past normal with no significant trend: it came from the reference (position 0) to
 * `p` in the `sinceHours` of history kept (since the reset, or since first seen); at that mean
 * rate, uncertain by a log-normal factor of spread 1 (x0.28-x3.6 at P10-P90: one slope from
 * two points says little), it reaches the threshold (1) in (1 - p) / rate. A floor on the
 * pace, not a forecast: fast for a component first seen degraded, slow for one that wore
 * little for long and then jumped (its limit state still raises the priority).
 */
export function meanRateFailedBy(p: number, sinceHours: number, hours: number): number {
  if (hours <= 0) return 0;
  const needed = ((1 - p) * sinceHours) / p;
  return normalCdf(Math.log(hours / needed) / MEAN_RATE_SPREAD);
}

const MEAN_RATE_SPREAD = 1;

/** The band an indicator's threshold starts (its failure limit, or its alarm limit without one). */
export function atThreshold(spec: IndicatorSpec, band: HealthBand): boolean {
  return band === 'failure' || (spec.thresholdLevel === 'alarm' && band === 'alarm');
}
