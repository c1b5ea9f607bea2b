import fc from 'fast-check';
import { decodeBlock, encodeBlock } from './point-block';

const sortedTimes = fc
  .uniqueArray(fc.integer({ min: 0, max: 2 ** 45 }), { maxLength: 300 })
  .map((t) => t.sort((a, b) => a - b));

describe('a sealed block of points', () => {
  it('gives back every time and value bit for bit', () => {
    fc.assert(
      fc.property(
        sortedTimes,
        fc.array(
          fc.oneof(
            fc.double({ noNaN: true, noDefaultInfinity: true }),
            fc.integer({ min: -1e9, max: 1e9 }).map((i) => i / 1000),
            fc.constantFrom(-0, 0.1 + 0.2, 1e308, 5e-324, 2 ** 53, -(2 ** 50) + 1, 1e21),
          ),
          { maxLength: 300 },
        ),
        (times, pool) => {
          const values = times.map((_, i) => pool[i % Math.max(1, pool.length)] ?? i);
          const back = decodeBlock(encodeBlock({ times, values }));
          expect(back.times).toEqual(times);
          back.values.forEach((v, i) => expect(Object.is(v, values[i])).toBe(true));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps a steady sensor in about three bytes a point', () => {
    const times = Array.from({ length: 1_000 }, (_, i) => 1_765_000_000_000 + i * 1_000);
    const values = times.map(
      (_, i) => Math.round((70 + Math.sin(i / 50) * 5 + Math.random()) * 1000) / 1000,
    );
    const bytes = encodeBlock({ times, values }).length;
    expect(bytes / 1_000).toBeLessThan(4.5);
  });

  it('refuses cut bytes with a RangeError, never a wrong run', () => {
    const block = encodeBlock({ times: [1, 2, 3], values: [1.5, 2.25, 3] });
    for (let cut = 0; cut < block.length; cut++)
      expect(() => decodeBlock(block.subarray(0, cut))).toThrow(RangeError);
  });
});
