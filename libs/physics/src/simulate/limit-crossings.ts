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
 * When a series first reaches a threshold, linearly interpolated between the two points that
 * straddle it (0 when it starts beyond it); null when it never does. Point k is at
 * `column[offset + k * stride]` and time grid[k].
 */
export function firstCrossing(
  column: ArrayLike<number>,
  grid: Float64Array,
  threshold: Threshold,
  offset = 0,
  stride = 1,
): number | null {
  let previous = column[offset]!;
  if (reaches(previous, threshold)) return 0;
  for (let k = 1; k < grid.length; k++) {
    const value = column[offset + k * stride]!;
    if (reaches(value, threshold)) {
      const share = value === previous ? 1 : (threshold.limit - previous) / (value - previous);
      return grid[k - 1]! + Math.min(1, Math.max(0, share)) * (grid[k]! - grid[k - 1]!);
    }
    previous = value;
  }
  return null;
}

export function crossingsOf(
  columns: ReadonlyMap<string, ArrayLike<number>>,
  grid: Float64Array,
  thresholds: readonly Threshold[],
): LimitCrossing[] {
  const out: LimitCrossing[] = [];
  for (const threshold of thresholds) {
    const column = columns.get(threshold.property);
    if (!column) continue;
    const atSeconds = firstCrossing(column, grid, threshold);
    if (atSeconds === null) continue;
    const { property, level, bound, limit } = threshold;
    out.push({ property, level, bound, limit, atSeconds });
  }
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
