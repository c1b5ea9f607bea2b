import type { UnitHistory } from './cmapss-parse';
import { seededRandom } from './random';
import type { RulEstimate } from './rul-bands';
import { drawTruth, truncateUnit, type CutDistribution } from './rul-cuts';
import { rmse, phm08Score } from './rul-metrics';
import { predictRul } from './rul-predict';
import { trainRulModel, type RulTrainingOptions, type TrainingProgress } from './rul-train';
import { allBut, unitFolds } from './unit-folds';

/**
 * One way of cutting the held-out units. Each draw cuts every held-out unit once and predicts
 * at its last seen cycle: one draw is one test set of the fleet's size, several draws show how
 * much the figure owes to where the cuts fell.
 */
export interface CutPlan {
  name: string;
  draws: number;
  cut: CutDistribution;
}

/** Cross-validation by unit: k folds of whole units, every model fitted on the other folds only. */
export interface HoldoutProtocol {
  folds: number;
  seed: number;
  plans: CutPlan[];
}

export const DEFAULT_HOLDOUT_FOLDS = 5;
export const DEFAULT_HOLDOUT_SEED = 7;
export const DEFAULT_HOLDOUT_DRAWS = 5;

export interface HoldoutCase {
  plan: string;
  draw: number;
  unit: number;
  fold: number;
  /** Cycles of history the model saw. */
  cycles: number;
  truth: number;
  estimate: RulEstimate;
}

/**
 * Trains one model per fold and cuts each held-out unit under every plan: the plans share the
 * fold models, so comparing them costs predictions, not training.
 */
export function crossValidateRul(
  units: UnitHistory[],
  training: RulTrainingOptions,
  protocol: HoldoutProtocol,
  progress?: TrainingProgress,
): HoldoutCase[] {
  const folds = unitFolds(units, protocol.folds, protocol.seed);
  const cases: HoldoutCase[] = [];
  folds.forEach((held, fold) => {
    const model = trainRulModel(allBut(folds, fold), training, (stage, done, total) =>
      progress?.(`fold ${fold + 1}/${folds.length} ${stage}`, done, total),
    );
    protocol.plans.forEach((plan, p) => {
      // One stream per plan and fold, so adding a plan never moves another plan's cuts.
      const random = seededRandom(protocol.seed * 7919 + p * 104_729 + fold);
      for (const unit of held)
        for (let draw = 0; draw < plan.draws; draw++) {
          const truth = drawTruth(plan.cut, unit.cycles.length, random());
          if (truth === null) continue;
          const cycles = unit.cycles.length - truth;
          const estimate = predictRul(model, truncateUnit(unit, cycles));
          cases.push({ plan: plan.name, draw, unit: unit.unit, fold, cycles, truth, estimate });
        }
    });
  });
  return cases;
}

export interface HoldoutScores {
  /** Test sets scored (draws) and held-out predictions in all. */
  draws: number;
  cases: number;
  /** Against the true RUL as it is (the model cannot say more than its horizon), mean over draws. */
  rmse: number;
  /** The lowest and highest RMSE of one draw. */
  rmseRange: [number, number];
  /** Against min(true RUL, cap), as much of the literature reports. */
  rmseCapped: number;
  /** PHM08 score of one test set (one cut per unit), mean over draws. */
  phm08: number;
  meanError: number;
  /** Share of true RULs (capped at the horizon) inside [P10, P90]: 0.8 when the band is honest. */
  coverage: number;
  /** Shares below P10 and above P90: 0.1 each when the band is honest. */
  belowP10: number;
  aboveP90: number;
}

export function scoreHoldout(cases: HoldoutCase[], cap: number): HoldoutScores {
  const draws = [...new Set(cases.map((c) => `${c.plan}/${c.draw}`))];
  const perDraw = draws.map((d) => cases.filter((c) => `${c.plan}/${c.draw}` === d));
  const rmses = perDraw.map((set) =>
    rmse(
      set.map((c) => c.estimate.rul),
      set.map((c) => c.truth),
    ),
  );
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(xs.length, 1);
  const share = (test: (c: HoldoutCase, truth: number) => boolean) =>
    cases.filter((c) => test(c, Math.min(c.truth, cap))).length / Math.max(cases.length, 1);
  return {
    draws: draws.length,
    cases: cases.length,
    rmse: mean(rmses),
    rmseRange: [Math.min(...rmses), Math.max(...rmses)],
    rmseCapped: mean(
      perDraw.map((set) =>
        rmse(
          set.map((c) => c.estimate.rul),
          set.map((c) => Math.min(c.truth, cap)),
        ),
      ),
    ),
    phm08: mean(
      perDraw.map((set) =>
        phm08Score(
          set.map((c) => c.estimate.rul),
          set.map((c) => c.truth),
        ),
      ),
    ),
    meanError: mean(cases.map((c) => c.estimate.rul - c.truth)),
    coverage: share((c, t) => c.estimate.p10 <= t && t <= c.estimate.p90),
    belowP10: share((c, t) => t < c.estimate.p10),
    aboveP90: share((c, t) => t > c.estimate.p90),
  };
}
