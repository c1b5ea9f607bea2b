import {
  LIMIT_LEVELS,
  ownValue,
  RISK_LEVELS,
  type LimitCrossing,
  type LimitLevel,
  type Limits,
  type RiskLevel,
} from '@twinlog/domain';

/** One bound of one level of one property; `strict` for the normal band's edge (see bandOf). */
export interface Threshold {
  property: string;
  level: LimitLevel;
  bound: 'high' | 'low';
  limit: number;
  strict: boolean;
}

/**
 * The bounds a trajectory can cross, consistent with the domain's bandOf: a value reaching a
 * warning, alarm or failure bound is in that band (inclusive), and leaving the normal band is
 * already a warning (strictly beyond it).
 */
export function thresholdsOf(
  limits: Record<string, Limits>,
  properties: readonly string[],
): Threshold[] {
  const out: Threshold[] = [];
  for (const property of properties) {
    const l = ownValue(limits, property);
    if (!l) continue;
    for (const level of LIMIT_LEVELS) {
      for (const bound of ['high', 'low'] as const) {
        const own = l[level]?.[bound];
        const normal = level === 'warning' ? l.normal?.[bound] : undefined;
        const tighter =
          normal !== undefined &&
          (own === undefined || (bound === 'high' ? normal < own : normal > own));
        if (tighter) out.push({ property, level, bound, limit: normal, strict: true });
        else if (own !== undefined) out.push({ property, level, bound, limit: own, strict: false });
      }
    }
  }
  return out;
}

export function reaches(value: number, threshold: Threshold): boolean {
  const { bound, limit, strict } = threshold;
  if (bound === 'high') return strict ? value > limit : value >= limit;
  return strict ? value < limit : value <= limit;
}

/**
 * The crossings of a run whose simulator watched `thresholds` (Simulator.crossingTimes: the
 * first time each was reached, located on the integrator's steps; NaN for never), earliest
 * first, the worse level first at the same time.
 */
export function crossingsFrom(
  thresholds: readonly Threshold[],
  times: Float64Array,
): LimitCrossing[] {
  const out: LimitCrossing[] = [];
  thresholds.forEach(({ property, level, bound, limit }, j) => {
    const atSeconds = times[j]!;
    if (!Number.isNaN(atSeconds)) out.push({ property, level, bound, limit, atSeconds });
  });
  return out.sort((a, b) => a.atSeconds - b.atSeconds || rank(b.level) - rank(a.level));
}

const rank = (level: LimitLevel) => LIMIT_LEVELS.indexOf(level);

/** Monte Carlo probabilities at or above this count towards the risk level. */
export const RISK_PROBABILITY = 0.1;

/**
 * The risk of a run: the worst level the nominal trajectory reaches, or that at least
 * RISK_PROBABILITY of the Monte Carlo samples reach (warning → medium, alarm → high,
 * failure → critical; nothing reached → low).
 */
export function riskLevelOf(
  crossings: readonly LimitCrossing[],
  probabilities: ReadonlyArray<{ level: LimitLevel; probability: number }> = [],
): RiskLevel {
  let worst = -1;
  for (const c of crossings) worst = Math.max(worst, rank(c.level));
  for (const p of probabilities)
    if (p.probability >= RISK_PROBABILITY) worst = Math.max(worst, rank(p.level));
  return RISK_LEVELS[worst + 1]!;
}
