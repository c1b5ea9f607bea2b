import { rssSlope, rssTable } from './rss-report';

describe('soak RSS report', () => {
  const at = (seconds: number, rssMb: number) => ({ seconds, rssMb, readings: seconds * 10 });

  it('fits the slope of a straight climb and of a plateau', () => {
    expect(rssSlope([at(0, 100), at(10, 110), at(20, 120)])).toBeCloseTo(1);
    expect(rssSlope([at(300, 250), at(310, 251), at(320, 249), at(330, 250)])).toBeCloseTo(-0.02);
    expect(rssSlope([at(0, 100)])).toBe(0);
  });

  it('prints one row per sample', () => {
    expect(rssTable([at(0, 100), at(10, 110)]).split('\n')).toHaveLength(4);
  });
});
