import { AdaptiveBaselineDetector } from './adaptive-baseline.detector';
import { FlatlineDetector } from './flatline.detector';
import { LimitsDetector } from './limits.detector';
import { MissingDataDetector } from './missing-data.detector';
import { RateOfChangeDetector } from './rate-of-change.detector';

const at = (seconds: number) => seconds * 1000;

describe('per-property streaming detectors', () => {
  it('limits: scores by the band the value reaches, with the normal range as evidence', () => {
    const d = new LimitsDetector({
      normal: { low: 15, high: 65 },
      warning: { high: 75 },
      alarm: { high: 85 },
    });
    expect(d.observe({ value: 40, at: 0 }).score).toBe(0);
    expect(d.observe({ value: 76, at: 0 }).score).toBeGreaterThanOrEqual(0.5);
    const alarm = d.observe({ value: 90, at: 0 });
    expect(alarm.score).toBeGreaterThan(0.75);
    expect(alarm).toMatchObject({ expectedLow: 15, expectedHigh: 65 });
  });

  it('rate of change: flags a jump faster than physics allows, ignores late readings', () => {
    const d = new RateOfChangeDetector(0.5); // °C per second
    d.observe({ value: 40, at: at(0) });
    expect(d.observe({ value: 41, at: at(10) }).score).toBeLessThan(0.5);
    expect(d.observe({ value: 60, at: at(11) }).score).toBeGreaterThan(0.9);
    expect(d.observe({ value: 0, at: at(5) }).score).toBe(0);
  });

  it('flatline: a value that does not move for too long scores over 0.5', () => {
    const d = new FlatlineDetector(60);
    const scores = [0, 30, 60, 120].map((s) => d.observe({ value: 7, at: at(s) }).score);
    expect(scores[1]).toBeLessThan(0.5);
    expect(scores[3]).toBeGreaterThan(0.5);
    expect(d.observe({ value: 7.5, at: at(121) }).score).toBe(0);
  });

  it('missing data: learns the usual interval and says when a sensor has gone quiet', () => {
    const d = new MissingDataDetector(5);
    for (let s = 0; s <= 100; s += 10) d.seen(at(s));
    expect(d.check(at(115)).score).toBeLessThan(0.5);
    expect(d.check(at(100 + 60)).score).toBeGreaterThan(0.5);
  });

  it('adaptive baseline: learns normal, flags an outlier, follows slow drift, is not taught by a fault', () => {
    const d = new AdaptiveBaselineDetector({ weight: 0.02, threshold: 4, warmUp: 50 });
    let seed = 3;
    const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 2;
    let t = 0;
    for (let i = 0; i < 200; i++) d.observe({ value: 50 + noise(), at: at(t++) });
    expect(d.observe({ value: 50.5, at: at(t++) }).score).toBeLessThan(0.5);
    expect(d.observe({ value: 70, at: at(t++) }).score).toBeGreaterThan(0.7);
    // A slow drift of +10 over 2,000 readings is followed without alarms at its end.
    for (let i = 0; i < 2000; i++)
      d.observe({ value: 50 + (10 * i) / 2000 + noise(), at: at(t++) });
    expect(d.observe({ value: 60, at: at(t++) }).score).toBeLessThan(0.5);
    // A sustained fault keeps scoring high: clipped learning does not absorb it quickly.
    const fault = Array.from({ length: 30 }, () => d.observe({ value: 90, at: at(t++) }).score);
    expect(Math.min(...fault)).toBeGreaterThan(0.5);
  });
});
