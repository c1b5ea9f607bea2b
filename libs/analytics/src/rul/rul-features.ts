import type { UnitHistory } from './cmapss-parse';
import { predictLinear, type LinearModel } from './ridge';
import { normaliseUnit, type SensorNormalisation } from './sensor-normaliser';
import { featureCount, windowFeatures, type FeatureSpec } from './window-features';

/** The part of a model that turns a unit's history into feature rows. */
export interface FeaturePipeline {
  normalisation: SensorNormalisation;
  healthIndex: LinearModel;
  features: FeatureSpec;
}

/** Per cycle: the normalised kept sensors, then the health index. */
export function seriesOf(
  pipeline: Omit<FeaturePipeline, 'features'>,
  unit: UnitHistory,
): number[][] {
  return normaliseUnit(pipeline.normalisation, unit).map((z) => [
    ...z,
    predictLinear(pipeline.healthIndex, z),
  ]);
}

export function featureWidth(pipeline: FeaturePipeline): number {
  return featureCount(pipeline.features, pipeline.normalisation.kept.length + 1);
}

/** Row-major features, one row per cycle of the unit. */
export function unitFeatureRows(pipeline: FeaturePipeline, unit: UnitHistory): Float64Array {
  return windowFeatures(pipeline.features, seriesOf(pipeline, unit), unit.cycles[0] ?? 1);
}

/** The training target at each cycle: cycles left until the last one, capped. */
export function cappedRul(unit: UnitHistory, cap: number): number[] {
  const last = unit.cycles[unit.cycles.length - 1]!;
  return unit.cycles.map((c) => Math.min(last - c, cap));
}
