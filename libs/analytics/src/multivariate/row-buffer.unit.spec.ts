import { RowBuffer } from './row-buffer';

describe('the warm-up row buffer', () => {
  it('gives back every row pushed, in order, as it grows to its capacity and no further', () => {
    const buffer = new RowBuffer(3, 200);
    const rows = Array.from({ length: 200 }, (_, i) => [i, -i / 3, 1e308 / (i + 1)]);
    rows.forEach((r) => buffer.push(r));
    expect(buffer.length).toBe(200);
    expect(buffer.rows()).toEqual(rows);
    expect(() => buffer.push([1, 2, 3])).toThrow(/at most 200 rows/);
  });

  it('restores from a checkpoint, even one holding more rows than its capacity', () => {
    const rows = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    const buffer = RowBuffer.of(2, 2, rows);
    expect(buffer.rows()).toEqual(rows);
    expect(new RowBuffer(2, 10).rows()).toEqual([]);
  });
});
