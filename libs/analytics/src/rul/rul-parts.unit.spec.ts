import { predictBoostedTrees, trainBoostedTrees, DEFAULT_BOOSTING } from './boosted-trees';
import { findOperatingRegimes, regimeOf } from './operating-regimes';
import { seededRandom } from './random';
import { phm08Score, rmse } from './rul-metrics';
import { estimateWithBands, fitBands, type RulBands } from './rul-bands';
import { fitRidge, predictLinear } from './ridge';
import { fitSensorNormalisation, normaliseUnit } from './sensor-normaliser';
import { SYNTHETIC_CONSTANT_SENSORS, syntheticFleet } from './testing/synthetic-fleet';
import { featureNames, windowFeatures } from './window-features';

describe('operating regimes', () => {
  it('finds the discrete conditions of an FD002-like fleet, and one regime when settings only jitter', () => {
    const six = syntheticFleet({ units: 5, regimes: 6, minLife: 60, maxLife: 80, seed: 1 });
    const found = findOperatingRegimes(
      six.flatMap((u) => u.settings),
      1,
    );
    expect(found.centers).toHaveLength(6);
    // Cycles flown at the same condition land in the same regime, different conditions apart.
    const first = six[0]!.settings;
    const byCondition = new Map<number, Set<number>>();
    first.forEach((s) =>
      byCondition.set(
        Math.round(s[0]!),
        (byCondition.get(Math.round(s[0]!)) ?? new Set()).add(regimeOf(found, s)),
      ),
    );
    expect([...byCondition.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(new Set([...byCondition.values()].map((ids) => [...ids][0])).size).toBe(
      byCondition.size,
    );

    const one = syntheticFleet({ units: 5, regimes: 1, minLife: 60, maxLife: 80, seed: 1 });
    expect(
      findOperatingRegimes(
        one.flatMap((u) => u.settings),
        1,
      ).centers,
    ).toHaveLength(1);
  });
});

describe('sensor normalisation', () => {
  it('drops sensors that only echo the regime and centres the rest within each regime', () => {
    const fleet = syntheticFleet({ units: 10, regimes: 6, minLife: 80, maxLife: 120, seed: 2 });
    const norm = fitSensorNormalisation(
      fleet,
      findOperatingRegimes(
        fleet.flatMap((u) => u.settings),
        1,
      ),
    );
    expect(norm.kept).toEqual(
      [...Array(21).keys()].filter((j) => !SYNTHETIC_CONSTANT_SENSORS.includes(j)),
    );
    const z = fleet.flatMap((u) => normaliseUnit(norm, u));
    const mean = z.reduce((s, r) => s + r[0]!, 0) / z.length;
    const sd = Math.sqrt(z.reduce((s, r) => s + r[0]! ** 2, 0) / z.length);
    expect(Math.abs(mean)).toBeLessThan(1e-9);
    expect(sd).toBeCloseTo(1, 6);
  });
});

describe('window features', () => {
  const spec = { ewma: [0.5], means: [3], slopes: [4], cycle: true };

  it('summarises the history up to each cycle: EWMA, trailing mean, trailing slope, cycle', () => {
    const series = [1, 3, 5, 7, 9].map((v) => [v]);
    const x = windowFeatures(spec, series, 1);
    const row = (t: number) => [...x.subarray(t * 4, t * 4 + 4)];
    expect(featureNames(spec, ['hi'])).toEqual(['hi.ewma0.5', 'hi.mean3', 'hi.slope4', 'cycle']);
    expect(row(0)).toEqual([1, 1, 0, 1]);
    expect(row(2)).toEqual([1 * 0.25 + 3 * 0.25 + 5 * 0.5, 3, 2, 3]);
    expect(row(4)).toEqual([(5.25 + 9) / 2, 7, 2, 5]);
  });

  it('never looks ahead: a cycle’s features do not change when later cycles arrive', () => {
    const random = seededRandom(3);
    const series = Array.from({ length: 50 }, () => [random(), random()]);
    const short = windowFeatures(spec, series.slice(0, 30));
    const long = windowFeatures(spec, series);
    expect([...long.subarray(0, short.length)]).toEqual([...short]);
  });
});

describe('boosted trees', () => {
  it('learns a non-linear function far better than its mean, reproducibly from the seed', () => {
    const random = seededRandom(5);
    const n = 3000;
    const x = new Float64Array(n * 3);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < 3; f++) x[i * 3 + f] = random() * 4 - 2;
      y[i] = (x[i * 3]! > 0.5 ? 10 : 0) + 3 * x[i * 3 + 1]! ** 2 + 0.1 * random();
    }
    const settings = { ...DEFAULT_BOOSTING, trees: 150, learningRate: 0.1 };
    const model = trainBoostedTrees(x, y, 3, settings);
    const predicted = Array.from({ length: n }, (_, i) => predictBoostedTrees(model, x, i * 3));
    const mean = y.reduce((s, v) => s + v, 0) / n;
    expect(rmse(predicted, [...y])).toBeLessThan(
      0.1 *
        rmse(
          predicted.map(() => mean),
          [...y],
        ),
    );
    expect(trainBoostedTrees(x, y, 3, settings)).toEqual(model);
  });
});

describe('metrics', () => {
  it('RMSE, and the PHM08 score that punishes late predictions more than early ones', () => {
    expect(rmse([10, 20], [13, 16])).toBeCloseTo(Math.sqrt(12.5), 12);
    expect(phm08Score([30], [20])).toBeCloseTo(Math.E - 1, 12);
    expect(phm08Score([7], [20])).toBeCloseTo(Math.E - 1, 12);
    expect(phm08Score([30], [20])).toBeGreaterThan(phm08Score([10], [20]));
  });
});

describe('ridge regression', () => {
  it('recovers a linear relation, intercept included', () => {
    const random = seededRandom(9);
    const rows = Array.from({ length: 500 }, () => [random(), random() * 10, random() - 0.5]);
    const y = rows.map(([a, b, c]) => 3 + 2 * a! - 0.5 * b! + 4 * c! + 0.01 * (random() - 0.5));
    const model = fitRidge(rows, y, 1e-6);
    expect(model.intercept).toBeCloseTo(3, 2);
    expect(model.weights.map((w) => Number(w.toFixed(2)))).toEqual([2, -0.5, 4]);
    expect(predictLinear(model, [1, 2, 0])).toBeCloseTo(4, 2);
  });
});

describe('RUL band', () => {
  it('is as wide as the out-of-fold errors at that predicted RUL, and holds 80% of fresh truths', () => {
    const random = seededRandom(10);
    // Errors of ±5 cycles near failure, ±30 far from it, as a model's errors grow with the horizon.
    const draw = () => {
      const predicted = random() * 125;
      const spread = predicted < 50 ? 5 : 30;
      return { predicted, truth: predicted + spread * (2 * random() - 1) };
    };
    const history = Array.from({ length: 4000 }, draw);
    const bands = fitBands(
      history.map((h) => h.predicted),
      history.map((h) => h.truth),
      1000,
    );
    const near = estimateWithBands(20, bands, 1000);
    const far = estimateWithBands(100, bands, 1000);
    expect(near.p90 - near.p10).toBeCloseTo(8, 0);
    expect(far.p90 - far.p10).toBeGreaterThan(40);
    expect(near.p10 < near.p50 && near.p50 < near.p90).toBe(true);
    const fresh = Array.from({ length: 2000 }, draw);
    const inside = fresh.filter(({ predicted, truth }) => {
      const e = estimateWithBands(predicted, bands, 1000);
      return e.p10 <= truth && truth <= e.p90;
    }).length;
    expect(inside / fresh.length).toBeGreaterThan(0.75);
    expect(inside / fresh.length).toBeLessThan(0.85);
  });

  it('weighted to the test cuts, covers 80% of fresh test-like truths where the unweighted band does not', () => {
    const random = seededRandom(11);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    // Held-out residuals from 60 units: rows a test cut rarely ends at err by ±3 cycles (sd),
    // rows it often ends at by ±20. Fresh test cases come from the second kind.
    const predicted: number[] = [];
    const truth: number[] = [];
    const weights: number[] = [];
    const units: number[] = [];
    for (let u = 0; u < 60; u++)
      for (let i = 0; i < 100; i++) {
        const p = 100 * random();
        const often = i % 4 === 0;
        predicted.push(p);
        truth.push(p + (often ? 20 : 3) * gauss());
        weights.push(often ? 1 : 0.001);
        units.push(u);
      }
    const weighted = fitBands(predicted, truth, 1000, { weights, units });
    const plain = fitBands(predicted, truth, 1000, { units });
    expect(weighted.calibration).toEqual({
      weighting: 'test-cut',
      units: 60,
      levels: [0.1, 0.5, 0.9],
    });
    const coverage = (bands: RulBands) => {
      let inside = 0;
      for (let k = 0; k < 4000; k++) {
        const p = 100 * random();
        const t = p + 20 * gauss();
        const e = estimateWithBands(p, bands, 1000);
        if (e.p10 <= t && t <= e.p90) inside++;
      }
      return inside / 4000;
    };
    expect(coverage(weighted)).toBeGreaterThan(0.75);
    expect(coverage(weighted)).toBeLessThan(0.86);
    expect(coverage(plain)).toBeLessThan(0.6);
  });

  it('never leaves [0, cap]', () => {
    const bands = fitBands([0, 10, 120, 125], [5, 20, 100, 125], 125);
    for (const p of [-3, 0, 2, 124, 200]) {
      const e = estimateWithBands(p, bands, 125);
      expect([e.rul, e.p10, e.p50, e.p90].every((v) => v >= 0 && v <= 125)).toBe(true);
    }
  });
});
