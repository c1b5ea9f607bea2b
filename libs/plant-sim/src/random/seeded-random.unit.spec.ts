import { SeededRandom } from './seeded-random';

const draw = (r: SeededRandom, n: number) => Array.from({ length: n }, () => r.next());

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed and label, another for another', () => {
    expect(draw(new SeededRandom(42, 'cnc-01'), 100)).toEqual(
      draw(new SeededRandom(42, 'cnc-01'), 100),
    );
    expect(draw(new SeededRandom(42, 'cnc-01'), 10)).not.toEqual(
      draw(new SeededRandom(43, 'cnc-01'), 10),
    );
    expect(draw(new SeededRandom(42, 'cnc-01'), 10)).not.toEqual(
      draw(new SeededRandom(42, 'cnc-02'), 10),
    );
  });

  it('draws uniform values in [0, 1) and standard normal values', () => {
    const r = new SeededRandom(7);
    const u = draw(r, 20_000);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(u.reduce((a, b) => a + b, 0) / u.length).toBeCloseTo(0.5, 1);
    const n = Array.from({ length: 20_000 }, () => r.normal());
    const mean = n.reduce((a, b) => a + b, 0) / n.length;
    const sd = Math.sqrt(n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length);
    expect(mean).toBeCloseTo(0, 1);
    expect(sd).toBeCloseTo(1, 1);
  });
});
