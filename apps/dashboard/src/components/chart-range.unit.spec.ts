import { everyFor } from './chart-range';

describe('the chart asks the server for windows that fit its width', () => {
  it('gives about one point per two pixels, rounded up to a round step', () => {
    expect(everyFor(60 * 60_000, 800)).toEqual({ every: '10s', everyMs: 10_000 }); // an hour: 360 points
    expect(everyFor(24 * 3_600_000, 1_000)).toEqual({ every: '5m', everyMs: 300_000 });
    expect(everyFor(30 * 86_400_000, 1_000)).toEqual({ every: '2h', everyMs: 7_200_000 });
    expect(everyFor(60_000, 1_000)).toEqual({ every: '1s', everyMs: 1_000 });
  });

  it('copes with a zero width or range, and with years', () => {
    expect(everyFor(0, 0).every).toBe('1s');
    expect(everyFor(10 * 365 * 86_400_000, 100).every).toBe('30d');
  });
});
