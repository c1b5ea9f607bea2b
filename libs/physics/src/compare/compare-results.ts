import { RISK_LEVELS, type ComparisonVerdict, type LimitCrossing } from '@twinlog/domain';
import type { SimulationResult } from '../run/simulation-result';
import { formatDuration } from '../scenario/durations';

export interface LimitComparison {
  property: string;
  level: LimitCrossing['level'];
  bound: 'high' | 'low';
  limit: number;
  /** Seconds to the crossing in each run, null when it does not happen within the horizon. */
  base: number | null;
  alternative: number | null;
}

/** libs/domain's ComparisonVerdict (what the dashboard reads), with the details. */
export interface Comparison extends ComparisonVerdict {
  limits: LimitComparison[];
  /** Per property: the value at the horizon and the peak, in each run. */
  properties: Record<
    string,
    { final: [number, number]; peak: [number, number]; trough: [number, number] }
  >;
}

const serious = (c: { level: string }) => c.level === 'alarm' || c.level === 'failure';
const firstSerious = (r: SimulationResult) => r.crossings.find(serious)?.atSeconds ?? null;

/**
 * Two runs side by side (typically without and with a mitigation): which limits each crosses
 * and when, and which is better: lower risk first, then a later (or no) first alarm, then a
 * later (or no) first limit of any level.
 */
export function compareResults(base: SimulationResult, alternative: SimulationResult): Comparison {
  const keys = new Map<string, LimitComparison>();
  const key = (c: LimitCrossing) => `${c.property}/${c.level}/${c.bound}`;
  for (const [side, result] of [
    ['base', base],
    ['alternative', alternative],
  ] as const) {
    for (const c of result.crossings) {
      const entry = keys.get(key(c)) ?? {
        property: c.property,
        level: c.level,
        bound: c.bound,
        limit: c.limit,
        base: null,
        alternative: null,
      };
      entry[side] = c.atSeconds;
      keys.set(key(c), entry);
    }
  }
  const properties: Comparison['properties'] = {};
  for (const [property, a] of Object.entries(base.trajectory.properties)) {
    const b = alternative.trajectory.properties[property];
    if (!b) continue;
    properties[property] = {
      final: [a[a.length - 1]!, b[b.length - 1]!],
      peak: [Math.max(...a), Math.max(...b)],
      trough: [Math.min(...a), Math.min(...b)],
    };
  }
  return {
    ...verdictOf(base, alternative),
    riskLevel: { base: base.riskLevel, alternative: alternative.riskLevel },
    timeToFirstLimitSeconds: {
      base: base.timeToFirstLimitSeconds,
      alternative: alternative.timeToFirstLimitSeconds,
    },
    limits: [...keys.values()],
    properties,
  };
}

function verdictOf(
  base: SimulationResult,
  alternative: SimulationResult,
): Pick<Comparison, 'verdict' | 'reason'> {
  const risk = RISK_LEVELS.indexOf(base.riskLevel) - RISK_LEVELS.indexOf(alternative.riskLevel);
  if (risk !== 0) {
    return {
      verdict: risk > 0 ? 'alternative-better' : 'base-better',
      reason: `risk ${base.riskLevel} against ${alternative.riskLevel}`,
    };
  }
  const later = (a: number | null, b: number | null) => (a ?? Infinity) - (b ?? Infinity);
  for (const [what, a, b] of [
    ['first alarm', firstSerious(base), firstSerious(alternative)],
    ['first limit', base.timeToFirstLimitSeconds, alternative.timeToFirstLimitSeconds],
  ] as const) {
    const delta = later(b, a);
    if (delta !== 0 && Number.isFinite(a ?? Infinity) !== Number.isFinite(b ?? Infinity)) {
      return {
        verdict: b === null ? 'alternative-better' : 'base-better',
        reason: `the ${what} ${b === null ? 'is avoided' : 'is not avoided'} within the horizon`,
      };
    }
    if (Math.abs(delta) >= 1) {
      return {
        verdict: delta > 0 ? 'alternative-better' : 'base-better',
        reason: `the ${what} comes ${formatDuration(Math.abs(delta))} ${delta > 0 ? 'later' : 'earlier'}`,
      };
    }
  }
  return { verdict: 'same', reason: 'the same risk and the same limit times' };
}
