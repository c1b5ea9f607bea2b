/**
 * The compact form's writer (layout: compact-telemetry.ts). Writes into a scratch buffer sized for the worst case (3 UTF-8 bytes per UTF-16 unit), then
 * copies out exactly what was written: one allocation per event.
 */
export class CompactWriter {
  private static scratch = Buffer.allocUnsafe(64 * 1024);
  private readonly buf: Buffer;
  private pos = 0;

  constructor(worstCase: number) {
    if (CompactWriter.scratch.length < worstCase)
      CompactWriter.scratch = Buffer.allocUnsafe(worstCase * 2);
    this.buf = CompactWriter.scratch;
  }

  byte(value: number): void {
    this.buf[this.pos++] = value;
  }

  varint(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.buf[this.pos++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buf[this.pos++] = rest;
  }

  text(value: string): void {
    this.varint(Buffer.byteLength(value, 'utf8'));
    this.pos += this.buf.write(value, this.pos, 'utf8');
  }

  /** UTF-8 bytes without a length (the caller wrote it, folded into a tag). */
  raw(value: string): void {
    this.pos += this.buf.write(value, this.pos, 'utf8');
  }

  ref(value: string | null): void {
    if (value === null) return this.varint(0);
    this.varint(Buffer.byteLength(value, 'utf8') + 1);
    this.pos += this.buf.write(value, this.pos, 'utf8');
  }

  double(value: number): void {
    this.pos = this.buf.writeDoubleLE(value, this.pos);
  }

  done(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

/** An event's names table (producer, properties, units), each name once, in first-use order. */
export class NamesTable {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  indexOf(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.push(name) - 1;
      this.index.set(name, i);
    }
    return i;
  }
}
