import {
  calibratedLevels,
  learnBandCalibration,
  normalScore,
  UNCALIBRATED,
} from './band-calibration';
import { normalCdf } from './normal-cdf';
import { lifePercentiles } from './rul-percentiles';
import { seededNormal } from './testing-degradation';

/** A model that says "normal, median m, log-sd s" of the end of life in hours. */
const logNormalModel = (m: number, s: number) => (hours: number) =>
  hours <= 0 ? 0 : normalCdf(Math.log(hours / m) / s);

describe('band calibration', () => {
  it('reads the band at 10/50/90 % when uncalibrated', () => {
    const levels = calibratedLevels(UNCALIBRATED);
    expect(levels.p10).toBeCloseTo(0.1, 4);
    expect(levels.p50).toBeCloseTo(0.5, 4);
    expect(levels.p90).toBeCloseTo(0.9, 4);
    expect(normalScore(0.9)).toBeCloseTo(1.2816, 3);
  });

  it('makes a band that is twice too narrow and late hold about 80 % of fresh truths, from other runs only', () => {
    // The truth's log-time falls at 0.5 + 2 x N(0, 1) model standard deviations: a model too
    // sure of itself and early, as on the IMS bearings.
    const noise = seededNormal(7);
    const truthScore = () => 0.5 + 2 * noise();
    const model = logNormalModel(100, 0.3);
    const truthOf = (score: number) => 100 * Math.exp(0.3 * score);
    const learned = learnBandCalibration(
      Array.from({ length: 8 }, () => Array.from({ length: 50 }, truthScore)),
      'synthetic',
    );
    const fresh = Array.from({ length: 2000 }, () => truthOf(truthScore()));
    const coverage = (calibration: typeof learned) => {
      const band = lifePercentiles(model, 10_000, calibratedLevels(calibration));
      return fresh.filter((t) => band.p10 <= t && t <= band.p90).length / fresh.length;
    };
    expect(coverage(UNCALIBRATED)).toBeLessThan(0.55);
    expect(coverage(learned)).toBeGreaterThan(0.75);
    expect(coverage(learned)).toBeLessThan(0.9);
    expect(learned.mid).toBeGreaterThan(0.2);
  });

  it('weighs each run the same, however many predictions it made', () => {
    const long = Array.from({ length: 1000 }, () => 3);
    const short = Array.from({ length: 10 }, () => -3);
    const learned = learnBandCalibration([long, short, [0, 0]], 'runs');
    expect(learned.mid).toBe(0);
  });

  it('centred: keeps the model median and takes the width from |score|', () => {
    const learned = learnBandCalibration([[2, 2.5, 3, -1]], 'one run', { centred: true });
    expect(learned.mid).toBe(0);
    expect(learned.low).toBe(-learned.high);
    expect(learned.high).toBeGreaterThanOrEqual(2.5);
  });
});
