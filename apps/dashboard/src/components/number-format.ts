/** A number as a person reads it: four significant digits, whole numbers and large ones to two decimals; '–' for none. */
export function format(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  if (Number.isInteger(n) || Math.abs(n) >= 1000) return String(Math.round(n * 100) / 100);
  return String(Number(n.toPrecision(4)));
}
