import { DriftCusum } from './drift-cusum';

const feed = (zs: number[]) => {
  const c = new DriftCusum();
  return zs.map((z) => c.observe(z));
};

describe('the drift CUSUM', () => {
  it('stays at 0 while residuals are within the slack', () => {
    expect(feed([0.4, -0.4, 0.3, -0.5, 0.2]).every((x) => x === 0)).toBe(true);
  });

  it('adds up a small bias that no single row shows, on either side', () => {
    const up = feed(new Array<number>(20).fill(1));
    expect(up[19]).toBeCloseTo(10, 9); // 20 x (1 - 0.5)
    expect(feed(new Array<number>(20).fill(-1))[19]).toBeCloseTo(10, 9);
  });

  it('clips an outlier: one huge residual counts as 3 scales', () => {
    expect(feed([1e6])[0]).toBeCloseTo(2.5, 9);
    expect(feed([Number.POSITIVE_INFINITY])[0]).toBe(0);
  });

  it('forgets a bias once it ends, at the slack per row', () => {
    const out = feed([...new Array<number>(10).fill(1.5), ...new Array<number>(10).fill(0)]);
    expect(out[9]).toBeCloseTo(10, 9);
    expect(out[19]).toBeCloseTo(5, 9);
  });

  it('continues exactly from a snapshot', () => {
    const a = new DriftCusum();
    [1, 2, -0.3].forEach((z) => a.observe(z));
    const b = new DriftCusum();
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    expect(b.observe(1.2)).toBe(a.observe(1.2));
  });
});
