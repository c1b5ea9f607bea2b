import { SINGLE_REGIME } from './operating-regimes';
import { truncateUnit } from './rul-cuts';
import { syntheticFleet } from './testing/synthetic-fleet';
import {
  DEFAULT_SIMILARITY,
  fitSimilarityModel,
  predictSimilarityRul,
  type SimilarityModel,
} from './trajectory-similarity';
import { smoothExponential, smoothLocalLinear } from './trajectory-smoothing';

describe('trajectory-similarity RUL', () => {
  it('an exponential fit recovers a + b·exp(g·t/L) under noise, and local lines keep a straight line', () => {
    const truth = Array.from({ length: 101 }, (_, t) => 1 - 0.05 * Math.exp(3 * (t / 100)));
    const noisy = truth.map((v, t) => v + (t % 2 ? 0.02 : -0.02));
    const fitted = smoothExponential(noisy);
    expect(Math.max(...fitted.map((v, t) => Math.abs(v - truth[t]!)))).toBeLessThan(0.01);
    const line = Array.from({ length: 30 }, (_, t) => 2 - 0.1 * t);
    smoothLocalLinear(line, 5).forEach((v, t) => expect(v).toBeCloseTo(line[t]!, 9));
  });

  it('reads held-out units near failure as near and early ones as far, within the cut (each variant)', () => {
    const fleet = syntheticFleet({ units: 24, regimes: 1, minLife: 120, maxLife: 180, seed: 3 });
    const topK = fitSimilarityModel(
      fleet.slice(0, 18),
      { ...DEFAULT_SIMILARITY, inputs: 'cycle', aggregate: 'top-k', neighbours: 5 },
      1,
      SINGLE_REGIME(3),
    );
    const posterior: SimilarityModel = {
      ...topK,
      settings: { ...topK.settings, aggregate: 'posterior', temperature: 1 },
    };
    const windows = fitSimilarityModel(fleet.slice(0, 18), DEFAULT_SIMILARITY, 1, SINGLE_REGIME(3));
    const cut = { minRul: 5, maxRul: 100, shape: 'uniform' as const };
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    for (const model of [topK, posterior, windows]) {
      const held = fleet.slice(18);
      const near = held.map((u) =>
        predictSimilarityRul(model, truncateUnit(u, u.cycles.length - 10), cut),
      );
      const far = held.map((u) => predictSimilarityRul(model, truncateUnit(u, 30), cut));
      expect(mean(near)).toBeLessThan(30);
      expect(mean(far)).toBeGreaterThan(70);
      expect(Math.max(...far)).toBeLessThanOrEqual(100);
    }
  });
});
