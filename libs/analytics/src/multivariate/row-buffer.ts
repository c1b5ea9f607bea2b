/**
 * Rows of `width` numbers kept in one growing Float64Array: the warm-up's vectors. As arrays of
 * arrays each 4-number row cost about 90 bytes of heap; here 32. A twin model may ask for an
 * hour of warm-up (3,600 rows), and a plant's twins all warm up at once after a start.
 */
export class RowBuffer {
  private data: Float64Array;
  private count = 0;

  constructor(
    private readonly width: number,
    /** Never more rows than this: the buffer grows to it and no further. */
    private readonly capacity: number,
  ) {
    // Nothing until the first row: a detector past its warm-up keeps an empty one.
    this.data = new Float64Array(0);
  }

  static of(width: number, capacity: number, rows: readonly (readonly number[])[]): RowBuffer {
    const buffer = new RowBuffer(width, Math.max(capacity, rows.length));
    for (const row of rows) buffer.push(row);
    return buffer;
  }

  get length(): number {
    return this.count;
  }

  push(row: readonly number[]): void {
    if ((this.count + 1) * this.width > this.data.length) {
      const rows = Math.min(this.capacity, Math.max(64, 2 * (this.data.length / this.width)));
      if (rows <= this.count) throw new Error(`a row buffer holds at most ${this.capacity} rows`);
      const grown = new Float64Array(rows * this.width);
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(row, this.count * this.width);
    this.count += 1;
  }

  /** The rows as arrays (a copy: for learning once, and for checkpoints). */
  rows(): number[][] {
    return Array.from({ length: this.count }, (_, i) =>
      Array.from(this.data.subarray(i * this.width, (i + 1) * this.width)),
    );
  }
}
