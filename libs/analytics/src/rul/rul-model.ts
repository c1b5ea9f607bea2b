import type { BoostedTrees } from './boosted-trees';
import type { SensorNormalisation } from './sensor-normaliser';
import type { LinearModel } from './ridge';
import type { FeatureSpec } from './window-features';
import type { RulBands } from './rul-bands';
import type { CutDistribution } from './rul-cuts';

export const RUL_MODEL_FORMAT = 'twinlog-rul';
export const RUL_MODEL_VERSION = 1;

/** Boosted trees (the model), or a linear fit on the same features (the baseline it is measured against). */
export type RulRegressor =
  { kind: 'trees'; trees: BoostedTrees } | { kind: 'linear'; linear: LinearModel };

/** Everything a prediction needs, serialisable as JSON (model.json). */
export interface RulModel {
  format: typeof RUL_MODEL_FORMAT;
  version: typeof RUL_MODEL_VERSION;
  /** Targets were min(RUL, cap): the model reads RUL up to this horizon; `cap` means "cap or more". */
  cap: number;
  normalisation: SensorNormalisation;
  /** A linear health index over the normalised sensors (in cycles of RUL), one more series to summarise. */
  healthIndex: LinearModel;
  features: FeatureSpec;
  regressor: RulRegressor;
  /** Residual quantiles from out-of-fold predictions, or null when trained without them. */
  bands: RulBands | null;
  /**
   * `testCut`: the cuts the model was trained for (its band calibrated at them); `weighRows`:
   * whether the rows were weighted to them. Absent: every cycle alike, as before issue 23.
   */
  training: {
    units: number;
    rows: number;
    seed: number;
    testCut?: CutDistribution;
    weighRows?: boolean;
  };
}
