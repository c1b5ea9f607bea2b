const POW10 = Array.from({ length: 16 }, (_, d) => 10 ** d);
const DECIMAL = /^-?(\d+)(?:\.(\d+))?$/;

/**
 * A reading's value as a decimal: `mantissa / 10^decimals === value` exactly, or undefined
 * (then it is stored as a float64). Sensors give a few decimals, so most values are small
 * integers over a power of ten: a byte or three instead of eight.
 *
 * `mantissa / 10^decimals` is one correctly rounded division of two exact doubles, so it is
 * the double nearest the decimal, which is what parsing the value's shortest text gives: the
 * value comes back bit for bit (checked here; -0 and anything else stays a float64).
 * `|mantissa| < 2^limitBits` keeps the caller's arithmetic on it (deltas, zigzag) exact.
 */
export function asDecimal(value: number, limitBits = 52): [number, number] | undefined {
  if (Object.is(value, -0)) return undefined;
  const text = String(value);
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const decimals = match[2]?.length ?? 0;
  if (decimals > 15 || match[1]!.length + decimals > 16) return undefined;
  const mantissa = Number(text.replace('.', ''));
  if (!(Math.abs(mantissa) < 2 ** limitBits) || mantissa / POW10[decimals]! !== value)
    return undefined;
  return [mantissa, decimals];
}

/** The value of a decimal `asDecimal` gave (decimals 0 to 15). */
export function fromDecimal(mantissa: number, decimals: number): number {
  const scale = POW10[decimals];
  if (scale === undefined) throw new RangeError(`${decimals} decimals: at most 15`);
  return mantissa / scale;
}
