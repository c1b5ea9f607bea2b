import { predictBoostedTrees } from './boosted-trees';
import type { UnitHistory } from './cmapss-parse';
import { featureWidth, unitFeatureRows } from './rul-features';
import { estimateWithBands, type RulEstimate } from './rul-bands';
import type { RulModel } from './rul-model';
import { predictLinear } from './ridge';
import { RulError } from './rul-error';

/**
 * The remaining useful life of a unit at the last cycle of its history, in cycles, with the
 * P10/P50/P90 band learned from out-of-fold errors. The history must be complete from the
 * unit's first cycle (the window features summarise all of it).
 */
export function predictRul(model: RulModel, unit: UnitHistory): RulEstimate {
  const series = predictRulSeries(model, unit);
  return estimateWithBands(series[series.length - 1]!, model.bands, model.cap);
}

/** The point estimate at every cycle of the history, as if each were the last one seen. */
export function predictRulSeries(model: RulModel, unit: UnitHistory): number[] {
  if (unit.cycles.length === 0)
    throw new RulError('CMAPSS_INVALID', `unit ${unit.unit} has no cycles`);
  const width = featureWidth(model);
  const rows = unitFeatureRows(model, unit);
  const regressor = model.regressor;
  return unit.cycles.map((_, t) => {
    const raw =
      regressor.kind === 'trees'
        ? predictBoostedTrees(regressor.trees, rows, t * width)
        : predictLinear(regressor.linear, rows.subarray(t * width, (t + 1) * width));
    return Math.min(Math.max(raw, 0), model.cap);
  });
}
