import { BucketHistory } from './bucket-history';
import { healthIndicators } from './health-indicators';
import { normalCdf } from './normal-cdf';
import { firstOf, hoursToProbability, lifePercentiles } from './rul-percentiles';

describe('health indicators from limits', () => {
  it('watch the failing side of each property: failure limit first, else alarm, both sides when both exist', () => {
    const specs = healthIndicators({
      vibration: { normal: { low: 0, high: 2.8 }, alarm: { high: 7.1 }, failure: { high: 11.2 } },
      flow_rate: { normal: { low: 8, high: 30 }, warning: { low: 6 }, failure: { low: 1 } },
      pressure: { normal: { low: 2, high: 8 }, alarm: { low: 1, high: 10 } },
      spindle_speed: { normal: { low: 0, high: 12000 } },
    });
    expect(
      specs.map((s) => [s.id, s.direction, s.threshold, s.thresholdLevel, s.referenceCap]),
    ).toEqual([
      ['flow_rate', -1, 1, 'failure', 8],
      ['pressure', 1, 10, 'alarm', 8],
      ['pressure:low', -1, 1, 'alarm', 2],
      ['vibration', 1, 11.2, 'failure', 2.8],
    ]);
  });
});

describe('a bucket history', () => {
  it('keeps a long life in bounded memory, the recent past at full resolution, the mean intact', () => {
    const history = new BucketHistory({ bucketMs: 60_000, perLevel: 24, levels: 16 });
    let sum = 0;
    for (let i = 0; i < 200_000; i++) {
      history.add(i * 60_000, i % 7);
      sum += i % 7;
    }
    expect(history.size).toBeLessThanOrEqual(24 * 16);
    expect(history.recent()).toHaveLength(24);
    expect(history.recent().every((b) => b.span === 1)).toBe(true);
    const buckets = history.buckets();
    const total = buckets.reduce((s, b) => s + b.mean * b.count, 0);
    expect(total).toBeCloseTo(sum, 0);
    expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(200_000);
    for (let i = 1; i < buckets.length; i++)
      expect(buckets[i]!.first).toBeGreaterThan(buckets[i - 1]!.last);
    history.dropBefore(199_990 * 60_000);
    expect(history.buckets().map((b) => b.count)).toEqual(Array(10).fill(1));
  });
});

describe('remaining life percentiles', () => {
  it('invert a distribution function: a normal life of 100 +- 10 h', () => {
    const failedBy = (h: number) => normalCdf((h - 100) / 10);
    const life = lifePercentiles(failedBy, 1000);
    expect(life.p10).toBeCloseTo(100 - 12.8155, 2);
    expect(life.p50).toBeCloseTo(100, 2);
    expect(life.p90).toBeCloseTo(100 + 12.8155, 2);
    expect(hoursToProbability(failedBy, 0.5, 50)).toBeUndefined();
    expect(lifePercentiles(() => 0, 500)).toMatchObject({
      p50: 500,
      beyond: { p10: true, p50: true, p90: true },
    });
  });

  it('combine parts: a whole fails with its first part', () => {
    const a = (h: number) => normalCdf((h - 100) / 10);
    const b = (h: number) => normalCdf((h - 50) / 5);
    expect(lifePercentiles(firstOf([a, b]), 1000).p50).toBeCloseTo(50, 1);
    expect(firstOf([a, b])(100)).toBeCloseTo(1, 6);
  });
});
