import type { Limits } from '@twinlog/domain';

// Every number the dashboard shows is formatted here (one rounding, one way of writing units).

/** A number as a person reads it: four significant digits, whole numbers and large ones to two decimals; '–' for none. */
export function format(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  if (Number.isInteger(n) || Math.abs(n) >= 1000) return String(Math.round(n * 100) / 100);
  return String(Number(n.toPrecision(4)));
}

/**
 * Whether a dimensionless property (the model's unit "1") is a fraction, shown as a percentage:
 * its limits are all within 0–1 (availability, OEE, tool wear). A dimensionless value without
 * such limits (a machine state 0/1/2) is a plain number.
 */
export function isFraction(unit: string, limits?: Limits): boolean {
  if (unit !== '1' || !limits) return false;
  const bounds = Object.values(limits).flatMap((b) => (b ? [b.low, b.high] : []));
  const set = bounds.filter((n): n is number => n !== undefined);
  return set.length > 0 && set.every((n) => n >= 0 && n <= 1);
}

/** The unit written after a number: none for "1" (a pure number says nothing more with it). */
export function unitSuffix(unit: string | undefined): string {
  return unit && unit !== '1' ? ` ${unit}` : '';
}

/** A value with its unit: "58.5 °C", "79.12 %" for a fraction (see isFraction), "2" for a bare "1". */
export function quantity(n: number | undefined, unit: string, limits?: Limits): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  if (isFraction(unit, limits)) return `${format(n * 100)} %`;
  return `${format(n)}${unitSuffix(unit)}`;
}

/** A unit for a chart's title or axis: "(°C)"; nothing for "1". */
export function unitInParentheses(unit: string | undefined): string {
  return unit && unit !== '1' ? ` (${unit})` : '';
}
