import { canonicalUnit, dimensionOf } from '../units/units';
import type { ModelCatalog } from './model-catalog';
import type { Limits, PropertySpec } from './twin-model.schema';

/**
 * The largest magnitude any value may have, in its property's unit. No sensor reports 1e15 of
 * anything, and with every value below it a sum or mean over any number of twins, or a square
 * in a variance, stays far from overflowing to Infinity (which JSON writes as null).
 */
export const MAGNITUDE_CAP = 1e15;

/** Below these nothing can physically go: absolute zero, and a perfect vacuum (gauge or absolute). */
const ABSOLUTE_FLOOR: Record<string, number> = {
  '°C': -273.15,
  '°F': -459.67,
  K: 0,
  bar: -1.01325,
  Pa: -101_325,
  kPa: -101.325,
  MPa: -0.101325,
  psi: -14.6959488,
};

/**
 * Dimensions whose readings are magnitudes in practice (a spindle's speed, a pump's flow, power
 * drawn, a fraction worn, parts made): 0 is their default floor. A model whose quantity is signed
 * (a regenerating drive's power, a reversing spindle) says so with its own `physicalRange`.
 */
const NON_NEGATIVE = new Set([
  'power',
  'rotational speed',
  'volume flow',
  'fraction',
  'throughput',
  'count',
  'duration',
]);

export interface PhysicalRange {
  min: number;
  max: number;
}

/** The floor a model may not go below even with its own `physicalRange`, if the unit has one. */
export function absoluteFloor(unit: string): number | undefined {
  return ABSOLUTE_FLOOR[canonicalUnit(unit)];
}

/** The range a unit implies when the model gives none. */
export function defaultPhysicalRange(unit: string): PhysicalRange {
  const floor =
    absoluteFloor(unit) ?? (NON_NEGATIVE.has(dimensionOf(unit) ?? '') ? 0 : -MAGNITUDE_CAP);
  return { min: floor, max: MAGNITUDE_CAP };
}

const ranges = new WeakMap<PropertySpec, PhysicalRange>();

/**
 * The values a property can physically take, in its declared unit: the model's `physicalRange`
 * where it gives one (each side), else the unit's default, always within ±MAGNITUDE_CAP.
 */
export function physicalRangeOf(spec: PropertySpec): PhysicalRange {
  let range = ranges.get(spec);
  if (!range) {
    const fallback = defaultPhysicalRange(spec.unit);
    range = {
      min: Math.max(spec.physicalRange?.min ?? fallback.min, -MAGNITUDE_CAP),
      max: Math.min(spec.physicalRange?.max ?? fallback.max, MAGNITUDE_CAP),
    };
    ranges.set(spec, range);
  }
  return range;
}

export const withinRange = (value: number, range: PhysicalRange) =>
  value >= range.min && value <= range.max;

/** Limit bounds a property can never reach, as `path: message` pairs (empty when all can). */
export function limitsOutsideRange(
  limits: Limits,
  range: PhysicalRange,
): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  for (const [level, band] of Object.entries(limits)) {
    for (const side of ['low', 'high'] as const) {
      const bound = band?.[side];
      if (bound !== undefined && !withinRange(bound, range)) {
        problems.push({
          path: `${level}.${side}`,
          message: `${level}.${side} (${bound}) is outside the physical range ${range.min} to ${range.max}`,
        });
      }
    }
  }
  return problems;
}

/** Problems of a model's own `physicalRange`: beyond the cap, or below the unit's absolute floor. */
export function physicalRangeProblems(
  spec: PropertySpec,
): Array<{ path: string; message: string }> {
  const declared = spec.physicalRange;
  if (!declared) return [];
  const problems: Array<{ path: string; message: string }> = [];
  const floor = absoluteFloor(spec.unit);
  for (const side of ['min', 'max'] as const) {
    const v = declared[side];
    if (v === undefined) continue;
    if (Math.abs(v) > MAGNITUDE_CAP)
      problems.push({ path: side, message: `${side} (${v}) is beyond ±${MAGNITUDE_CAP}` });
    else if (floor !== undefined && v < floor)
      problems.push({
        path: side,
        message: `${side} (${v}) is below what ${spec.unit} can physically be (${floor})`,
      });
  }
  return problems;
}

/**
 * The readings whose values their property can physically take. Intake refuses the others, so
 * this drops only what a log kept from before ranges were checked (or a producer writing around
 * ingestion): analytics fed 1e308 would answer Infinity. Properties the model lacks are kept.
 */
export function physicallyPossible<R extends { property: string; value: number }>(
  readings: R[],
  twin: { twinType: string; modelVersion: number },
  catalog: ModelCatalog,
): R[] {
  if (!catalog.has(twin.twinType, twin.modelVersion)) return readings;
  const properties = catalog.get(twin.twinType, twin.modelVersion).properties;
  const possible = (r: R) => {
    const spec = Object.hasOwn(properties, r.property) ? properties[r.property] : undefined;
    return !spec || withinRange(r.value, physicalRangeOf(spec));
  };
  return readings.every(possible) ? readings : readings.filter(possible);
}
