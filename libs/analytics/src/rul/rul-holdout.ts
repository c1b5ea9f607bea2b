import type { UnitHistory } from './cmapss-parse';
import { seededRandom } from './random';
import type { RulEstimate } from './rul-bands';
import { rmse, phm08Score } from './rul-metrics';
import type { RulModel } from './rul-model';
import { predictRul } from './rul-predict';
import { trainRulModel, type RulTrainingOptions, type TrainingProgress } from './rul-train';
import { allBut, unitFolds } from './unit-folds';

/**
 * How held-out units are cut, mirroring the official C-MAPSS test sets: each held-out unit's
 * history ends early, leaving a true RUL drawn uniformly in [minRul, maxRul] (the FD001 test
 * truth spans 7-145) while keeping at least `minHistory` cycles (the shortest FD001 test unit
 * has 31). Several cuts per unit steady the figures; each cut is scored as its own test unit.
 */
export interface HoldoutProtocol {
  folds: number;
  cutsPerUnit: number;
  minHistory: number;
  minRul: number;
  maxRul: number;
  seed: number;
}

export const DEFAULT_HOLDOUT: HoldoutProtocol = {
  folds: 5,
  cutsPerUnit: 5,
  minHistory: 31,
  minRul: 5,
  maxRul: 150,
  seed: 7,
};

export interface HoldoutCase {
  unit: number;
  fold: number;
  /** Cycles of history the model saw. */
  cycles: number;
  truth: number;
  estimate: RulEstimate;
}

/** Cross-validation by unit: every model is trained on the other folds' units only. */
export function crossValidateRul(
  units: UnitHistory[],
  training: RulTrainingOptions,
  protocol: HoldoutProtocol = DEFAULT_HOLDOUT,
  progress?: TrainingProgress,
): HoldoutCase[] {
  const folds = unitFolds(units, protocol.folds, protocol.seed);
  const random = seededRandom(protocol.seed + 1);
  const cases: HoldoutCase[] = [];
  folds.forEach((held, k) => {
    const model = trainRulModel(allBut(folds, k), training, (stage, done, total) =>
      progress?.(`fold ${k + 1}/${folds.length} ${stage}`, done, total),
    );
    for (const unit of held) cases.push(...cutAndPredict(model, unit, k, protocol, random));
  });
  return cases;
}

function cutAndPredict(
  model: RulModel,
  unit: UnitHistory,
  fold: number,
  protocol: HoldoutProtocol,
  random: () => number,
): HoldoutCase[] {
  const life = unit.cycles.length;
  const highest = Math.min(protocol.maxRul, life - protocol.minHistory);
  if (highest < protocol.minRul) return [];
  return Array.from({ length: protocol.cutsPerUnit }, () => {
    const truth = protocol.minRul + Math.floor(random() * (highest - protocol.minRul + 1));
    const cycles = life - truth;
    const seen: UnitHistory = {
      unit: unit.unit,
      cycles: unit.cycles.slice(0, cycles),
      settings: unit.settings.slice(0, cycles),
      sensors: unit.sensors.slice(0, cycles),
    };
    return { unit: unit.unit, fold, cycles, truth, estimate: predictRul(model, seen) };
  });
}

export interface HoldoutScores {
  cases: number;
  /** Against the true RUL as it is (the model cannot say more than its cap). */
  rmse: number;
  /** Against min(true RUL, cap), as much of the literature reports. */
  rmseCapped: number;
  /** PHM08 score for one cut per unit (the total over all cuts / cuts per unit). */
  phm08: number;
  /** Share of true RULs (capped) inside [P10, P90]: 0.8 when the band is honest. */
  coverage: number;
  meanError: number;
}

export function scoreHoldout(
  cases: HoldoutCase[],
  cap: number,
  cutsPerUnit: number,
): HoldoutScores {
  const predicted = cases.map((c) => c.estimate.rul);
  const truth = cases.map((c) => c.truth);
  const capped = truth.map((t) => Math.min(t, cap));
  const inside = cases.filter(
    (c, i) => c.estimate.p10 <= capped[i]! && capped[i]! <= c.estimate.p90,
  ).length;
  return {
    cases: cases.length,
    rmse: rmse(predicted, truth),
    rmseCapped: rmse(predicted, capped),
    phm08: phm08Score(predicted, truth) / cutsPerUnit,
    coverage: inside / Math.max(cases.length, 1),
    meanError: predicted.reduce((s, p, i) => s + p - truth[i]!, 0) / Math.max(cases.length, 1),
  };
}
