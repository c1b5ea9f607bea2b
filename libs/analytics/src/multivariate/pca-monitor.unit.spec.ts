import { EpisodeTracker } from '../episodes/episode-tracker';
import { symmetricEigen } from '../stats/symmetric-eigen';
import { PcaMonitor } from './pca-monitor';

/** A deterministic pseudo-random source, so the spec is the same on every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('symmetric eigen-decomposition', () => {
  it('finds the eigenvalues and unit eigenvectors of a symmetric matrix', () => {
    const { values, vectors } = symmetricEigen([
      [2, 1],
      [1, 2],
    ]);
    expect(values[0]).toBeCloseTo(3);
    expect(values[1]).toBeCloseTo(1);
    expect(Math.abs(vectors[0]![0]!)).toBeCloseTo(Math.SQRT1_2);
    expect(Math.abs(vectors[0]![1]!)).toBeCloseTo(Math.SQRT1_2);
  });
});

describe('PCA monitoring (T² and Q)', () => {
  // Two properties that move together (power follows speed), with a little noise.
  const next = random(7);
  const normal = () => {
    const speed = 1000 + 200 * next();
    return [speed, speed * 0.01 + 0.2 * next(), 40 + next()];
  };
  const monitor = PcaMonitor.fit(Array.from({ length: 400 }, normal));

  it('passes normal operation and flags a combination no single property shows', () => {
    const ok = monitor.score(normal());
    expect(Math.max(ok.t2Ratio, ok.qRatio)).toBeLessThan(1.5);
    // Each value within its normal range, but power no longer follows speed.
    const broken = monitor.score([1010, 11.9, 40.5]);
    expect(broken.qRatio).toBeGreaterThan(5);
    expect(broken.contributions.indexOf(Math.max(...broken.contributions))).not.toBe(2);
  });
});

describe('episodes with hysteresis', () => {
  it('opens once and closes once however noisy the score inside the episode', () => {
    const tracker = new EpisodeTracker({ open: 0.5, close: 0.3, minRun: 2, smoothing: 1 });
    const scores = [0.1, 0.6, 0.7, 0.4, 0.8, 0.45, 0.9, 0.2, 0.1, 0.1];
    const changes = scores.map((s) => tracker.next(s)).filter(Boolean);
    expect(changes).toEqual(['opened', 'closed']);
  });
});
