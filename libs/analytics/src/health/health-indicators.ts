import type { Band, Limits } from '@twinlog/domain';

/**
 * A property as a health indicator: the side of its limits it fails on and where. The failure
 * limit when the model gives one, else the alarm limit (the last line a plant draws).
 */
export interface IndicatorSpec {
  /** The property, with `:low` when both of its sides are watched. */
  id: string;
  property: string;
  /** +1: it fails by rising to the threshold; -1: by falling to it. */
  direction: 1 | -1;
  threshold: number;
  thresholdLevel: 'failure' | 'alarm';
  /** The healthy reference never lies past this (the edge of normal, or of warning). */
  referenceCap: number;
  limits: Limits;
}

/** The health indicators a twin's limits define: one per property side with a failure or alarm bound. */
export function healthIndicators(limits: Record<string, Limits>): IndicatorSpec[] {
  const specs: IndicatorSpec[] = [];
  for (const property of Object.keys(limits).sort()) {
    const own = limits[property]!;
    const level = own.failure ? 'failure' : own.alarm ? 'alarm' : undefined;
    if (!level) continue;
    const band = own[level] as Band;
    const sides: Array<1 | -1> = [];
    if (band.high !== undefined) sides.push(1);
    if (band.low !== undefined) sides.push(-1);
    for (const direction of sides) {
      const threshold = (direction === 1 ? band.high : band.low)!;
      specs.push({
        id: sides.length > 1 && direction === -1 ? `${property}:low` : property,
        property,
        direction,
        threshold,
        thresholdLevel: level,
        referenceCap: referenceCap(own, direction, threshold),
        limits: own,
      });
    }
  }
  return specs;
}

/** The innermost bound on the failing side: a healthy level lies inside it. */
function referenceCap(limits: Limits, direction: 1 | -1, threshold: number): number {
  const side = direction === 1 ? 'high' : 'low';
  for (const level of ['normal', 'warning', 'alarm'] as const) {
    const bound = limits[level]?.[side];
    if (bound !== undefined && direction * (threshold - bound) > 0) return bound;
  }
  // No inner bound: half-way from zero (or one unit) to the threshold.
  return threshold === 0 ? -direction : threshold / 2;
}
