import { isTwinlogError } from '@twinlog/domain';
import { MultivariateDetector, type MultivariateVerdict } from './multivariate-detector';
import { plant, type PlantOptions } from './testing/synthetic-plant';

function run(steps: number, options: PlantOptions = {}, detector = new MultivariateDetector(3)) {
  return plant(steps, options).map((row) => detector.observe(row));
}

/** Steps at which episodes opened and closed. */
function episodes(verdicts: MultivariateVerdict[]): { opened: number[]; closed: number[] } {
  const at = (change: string) => verdicts.flatMap((v, t) => (v.change === change ? [t] : []));
  return { opened: at('opened'), closed: at('closed') };
}

describe('the multivariate detector', () => {
  it('learns during warm-up, then stays quiet on normal operation', () => {
    const verdicts = run(3000);
    expect(verdicts.slice(0, 400).every((v) => v.learning && v.score === 0)).toBe(true);
    expect(verdicts[400]!.learning).toBe(false);
    expect(episodes(verdicts).opened).toEqual([]);
    expect(Math.max(...verdicts.slice(400).map((v) => v.score))).toBeLessThan(0.5);
  });

  it('catches a correlation break in which every property stays within its own range', () => {
    const verdicts = run(2400, { correlationBreak: [1500, 1800] });
    const { opened } = episodes(verdicts);
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.every((t) => t >= 1500 && t < 1800)).toBe(true);
    expect(opened[0]!).toBeLessThan(1560);
    // Power mirrored the load: its values never left their normal range.
    const power = plant(2400, { correlationBreak: [1500, 1800] }).map((r) => r[1]!);
    const normal = power.slice(0, 1500);
    const inBreak = power.slice(1500, 1800);
    expect(Math.min(...inBreak)).toBeGreaterThan(Math.min(...normal) - 1);
    expect(Math.max(...inBreak)).toBeLessThan(Math.max(...normal) + 1);
  });

  it('follows a slow drift without alarms, yet still catches a fault on top of it', () => {
    const drift = { from: 600, perStep: 0.002 }; // +10 standard deviations over 5,000 s
    expect(episodes(run(5600, { drift })).opened).toEqual([]);
    const faulty = episodes(run(5600, { drift, offsets: [[4000, 4200, 6]] }));
    expect(faulty.opened).toHaveLength(1);
    expect(faulty.opened[0]! - 4000).toBeLessThan(30);
  });

  it('reports one episode per fault, opened and closed once each', () => {
    const verdicts = run(3000, {
      offsets: [
        [1000, 1200, 6],
        [2000, 2200, 6],
      ],
    });
    const { opened, closed } = episodes(verdicts);
    expect(opened).toHaveLength(2);
    expect(closed).toHaveLength(2);
    expect(opened[0]! - 1000).toBeLessThan(30);
    expect(closed[0]! - 1200).toBeLessThan(40);
    expect(opened[1]! - 2000).toBeLessThan(30);
    expect(closed[0]!).toBeLessThan(opened[1]!);
  });

  it('clears an episode once the fault is gone, even if the machine settles slightly off', () => {
    // A large fault, then a lasting small offset: no standing alarm, no second episode.
    const verdicts = run(2400, {
      offsets: [
        [1000, 1300, 40],
        [1300, 2400, 2],
      ],
    });
    const { opened, closed } = episodes(verdicts);
    expect(opened).toHaveLength(1);
    expect(closed).toHaveLength(1);
    expect(closed[0]! - 1300).toBeLessThan(40);
    expect(verdicts[2399]!.active).toBe(false);
  });

  it('names the properties that carry the distance, with observed and expected values', () => {
    const detector = new MultivariateDetector(3);
    const rows = plant(1200, { offsets: [[1000, 1200, 6]] });
    const opening = rows.findIndex((row) => detector.observe(row).change === 'opened');
    expect(opening).toBeGreaterThan(1000);
    const [top] = detector.contributors();
    expect(top).toMatchObject({ index: 2 });
    expect(top!.observed - top!.expected).toBeGreaterThan(3);
    expect(top!.expected).toBeCloseTo(40, 0);
  });

  it('is deterministic and continues exactly from a checkpoint', () => {
    const rows = plant(2000, { offsets: [[1500, 1700, 6]] });
    const whole = new MultivariateDetector(3);
    const expected = rows.map((r) => whole.observe(r));
    const again = new MultivariateDetector(3);
    expect(rows.map((r) => again.observe(r))).toEqual(expected);
    for (const cut of [200, 1550]) {
      const first = new MultivariateDetector(3);
      rows.slice(0, cut).forEach((r) => first.observe(r));
      const saved = JSON.parse(JSON.stringify(first.snapshot()));
      const restored = MultivariateDetector.restore(saved);
      expect(rows.slice(cut).map((r) => restored.observe(r))).toEqual(expected.slice(cut));
    }
  });

  it('refuses a vector of the wrong width or with a non-finite value, with a stable code', () => {
    const detector = new MultivariateDetector(3);
    for (const bad of [
      [1, 2],
      [1, 2, Number.NaN],
    ]) {
      try {
        detector.observe(bad);
        throw new Error('accepted');
      } catch (error) {
        expect(isTwinlogError(error, 'VALUE_INVALID')).toBe(true);
      }
    }
  });
});
