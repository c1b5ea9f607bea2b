import { cutWeights } from './cut-weights';
import { seededRandom } from './random';
import { unitFeatureRows } from './rul-features';
import {
  cutsForSet,
  drawTruth,
  OFFICIAL_LIKE_CUTS,
  truncateUnit,
  truthRange,
  WIDEST_CUTS,
} from './rul-cuts';
import { DEFAULT_RUL_TRAINING, trainingFor, trainRulModel } from './rul-train';
import { syntheticFleet } from './testing/synthetic-fleet';

const fd004 = OFFICIAL_LIKE_CUTS['FD004']!;

describe('test-like cuts', () => {
  it('leave a true RUL uniform over the published range, bounded by the history a test shows', () => {
    const random = seededRandom(3);
    const long = Array.from({ length: 20_000 }, () => drawTruth(fd004, 400, random())!);
    expect(Math.min(...long)).toBe(6);
    expect(Math.max(...long)).toBe(195);
    const mean = long.reduce((s, t) => s + t, 0) / long.length;
    expect(mean).toBeCloseTo((6 + 195) / 2, 0);
    // Each tenth of the range gets its tenth of the draws.
    const tenth = long.filter((t) => t < 6 + 19).length / long.length;
    expect(tenth).toBeGreaterThan(0.09);
    expect(tenth).toBeLessThan(0.11);
    // A short unit: the cut keeps at least 19 cycles, so at most 150 - 19 cycles are left.
    const short = Array.from({ length: 2000 }, () => drawTruth(fd004, 150, random())!);
    expect(Math.max(...short)).toBe(131);
    expect(truthRange(fd004, 24)).toBeNull();
    expect(drawTruth(fd004, 24, 0.5)).toBeNull();
  });

  it('lean toward early cuts (long RULs, short histories) in the stress shape', () => {
    const random = seededRandom(4);
    const early = { ...fd004, shape: 'early' as const };
    const draws = Array.from({ length: 20_000 }, () => drawTruth(early, 400, random())!);
    const upperHalf = draws.filter((t) => t > (6 + 195) / 2).length / draws.length;
    expect(upperHalf).toBeCloseTo(0.75, 1);
    const late = { ...fd004, shape: 'late' as const };
    const near = Array.from({ length: 20_000 }, () => drawTruth(late, 400, random())!);
    expect(near.filter((t) => t > (6 + 195) / 2).length / near.length).toBeCloseTo(0.25, 1);
    // Past every-cycle training's reach the rows lean late; within it (FD001) they do not.
    expect(trainingFor(fd004)).toEqual({
      testCut: { ...fd004, shape: 'late' },
      weighRows: true,
      cap: 195,
    });
    const fd001 = OFFICIAL_LIKE_CUTS['FD001']!;
    expect(trainingFor(fd001)).toEqual({ testCut: fd001, weighRows: false, cap: 125 });
  });

  it('are named by the data set in a file name, else the widest', () => {
    expect(cutsForSet('/data/train_FD002.txt.gz')).toEqual(OFFICIAL_LIKE_CUTS['FD002']);
    expect(cutsForSet('pumps.txt')).toEqual(WIDEST_CUTS);
  });

  it('weigh training rows so each unit counts once, spread over the cycles a cut can end at', () => {
    const fleet = syntheticFleet({ units: 3, regimes: 1, minLife: 100, maxLife: 300, seed: 2 });
    const weights = cutWeights(fleet, fd004);
    let offset = 0;
    for (const unit of fleet) {
      const life = unit.cycles.length;
      const own = weights.subarray(offset, offset + life);
      expect(own.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 9);
      const [lo, hi] = truthRange(fd004, life)!;
      own.forEach((w, t) => {
        const rul = life - 1 - t;
        expect(w > 0).toBe(rul >= lo && rul <= hi);
      });
      offset += life;
    }
    // Leaning late: a cycle nearer failure weighs more, each unit still counts once.
    const late = cutWeights(fleet.slice(0, 1), { ...fd004, shape: 'late' });
    const life = fleet[0]!.cycles.length;
    expect(late.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 9);
    expect(late[life - 1 - 10]!).toBeGreaterThan(late[life - 1 - 90]!);
  });
});

describe('features on a short history', () => {
  const fleet = syntheticFleet({ units: 12, regimes: 6, minLife: 90, maxLife: 130, seed: 6 });
  const model = trainRulModel(fleet.slice(0, 10), {
    ...DEFAULT_RUL_TRAINING,
    bandFolds: 0,
    boosting: { ...DEFAULT_RUL_TRAINING.boosting, trees: 5 },
  });

  it('are exactly the rows the full history had then: a cut unit is read as training saw it', () => {
    const unit = fleet[11]!;
    const width = unitFeatureRows(model, unit).length / unit.cycles.length;
    for (const cycles of [1, 2, 19, 40]) {
      const short = unitFeatureRows(model, truncateUnit(unit, cycles));
      const full = unitFeatureRows(model, unit).subarray(0, cycles * width);
      expect(Array.from(short)).toEqual(Array.from(full));
      expect(short.every(Number.isFinite)).toBe(true);
    }
  });
});
