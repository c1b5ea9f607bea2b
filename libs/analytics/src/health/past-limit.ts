import type { HealthBand } from '@twinlog/domain';
import type { IndicatorSpec } from './health-indicators';
import { normalCdf } from './normal-cdf';

/**
 * A limit crossed with no significant trend: the level came from its reference (position 0,
 * where it last sat, or where the history kept begins) to `p` in `sinceHours`; at that mean
 * rate, uncertain by a log-normal factor of spread 1 (x0.28-x3.6 at P10-P90: one slope from
 * two points says little), it reaches the threshold (1) in (1 - p) / rate. The pace so far
 * overstates the life of a part past a limit (wear speeds up), so the assessment takes only
 * P50/P90 from this and puts P10 at now (health-assessment.ts).
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
