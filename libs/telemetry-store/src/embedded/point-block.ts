import { asDecimal, fromDecimal } from '@twinlog/domain';

/** One series' points in time order (times distinct), as the embedded store keeps them. */
export interface PointRun {
  times: number[];
  values: number[];
}

// Deltas of mantissas up to 2^50 stay exact through the zigzag (below 2^52).
const MANTISSA_BITS = 50;

const zigzag = (n: number): number => (n >= 0 ? n * 2 : -n * 2 - 1);
const unzigzag = (n: number): number => (n % 2 === 0 ? n / 2 : -(n + 1) / 2);

/**
 * A sealed block of one series' points (docs/adr/0024), a few bytes a point where a row took
 * 70: how historians keep years of readings.
 *
 *   varint count
 *   times: zz first ms, then zz of each delta's change (a steady sample rate: one byte of 0)
 *   values, each: u8 0 + f64; or u8 1 + d, then zz of (m - the last m with d decimals), the
 *     value being m / 10^d exactly (`asDecimal`): a sensor's next value is near its last
 *
 * "zz" is a zigzag varint. Lossless: the values come back bit for bit.
 */
export function encodeBlock(run: PointRun): Buffer {
  const out = new ByteWriter(16 + run.times.length * 6);
  const n = run.times.length;
  out.varint(n);
  let lastTime = 0;
  let lastDelta = 0;
  for (let i = 0; i < n; i++) {
    const time = run.times[i]!;
    if (i === 0) out.varint(zigzag(time));
    else {
      const delta = time - lastTime;
      out.varint(zigzag(delta - lastDelta));
      lastDelta = delta;
    }
    lastTime = time;
  }
  const lastMantissa = new Array<number>(16).fill(0);
  for (const value of run.values) {
    const decimal = asDecimal(value, MANTISSA_BITS);
    if (!decimal) {
      out.byte(0);
      out.double(value);
      continue;
    }
    const [mantissa, decimals] = decimal;
    out.byte(1 + decimals);
    out.varint(zigzag(mantissa - lastMantissa[decimals]!));
    lastMantissa[decimals] = mantissa;
  }
  return out.done();
}

export function decodeBlock(bytes: Uint8Array): PointRun {
  const input = new ByteReader(bytes);
  const n = input.varint();
  if (n > bytes.length) throw new RangeError('a block of more points than bytes');
  const times = new Array<number>(n);
  const values = new Array<number>(n);
  let lastTime = 0;
  let lastDelta = 0;
  for (let i = 0; i < n; i++) {
    if (i === 0) lastTime = unzigzag(input.varint());
    else {
      lastDelta += unzigzag(input.varint());
      lastTime += lastDelta;
    }
    times[i] = lastTime;
  }
  const lastMantissa = new Array<number>(16).fill(0);
  for (let i = 0; i < n; i++) {
    const tag = input.byte();
    if (tag === 0) values[i] = input.double();
    else {
      const decimals = tag - 1;
      const mantissa = lastMantissa[decimals]! + unzigzag(input.varint());
      lastMantissa[decimals] = mantissa;
      values[i] = fromDecimal(mantissa, decimals);
    }
  }
  if (!input.atEnd()) throw new RangeError('bytes left over after a block');
  return { times, values };
}

class ByteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  byte(value: number): void {
    this.room(1);
    this.buf[this.pos++] = value;
  }

  varint(value: number): void {
    this.room(8);
    let rest = value;
    while (rest >= 0x80) {
      this.buf[this.pos++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buf[this.pos++] = rest;
  }

  double(value: number): void {
    this.room(8);
    this.pos = this.buf.writeDoubleLE(value, this.pos);
  }

  done(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

class ByteReader {
  private pos = 0;
  private readonly view: Buffer;

  constructor(bytes: Uint8Array) {
    this.view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  atEnd(): boolean {
    return this.pos === this.view.length;
  }

  byte(): number {
    if (this.pos >= this.view.length) throw new RangeError('a block ends early');
    return this.view[this.pos++]!;
  }

  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 56; shift += 7) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
    throw new RangeError('a number longer than 8 bytes');
  }

  double(): number {
    if (this.pos + 8 > this.view.length) throw new RangeError('a block ends inside a value');
    const value = this.view.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }
}
