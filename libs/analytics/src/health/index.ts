export { healthIndicators, type IndicatorSpec } from './health-indicators';
export {
  BucketHistory,
  DEFAULT_BUCKET_HISTORY,
  type Bucket,
  type BucketHistorySettings,
} from './bucket-history';
export { DegradationTrack, type IndicatorState } from './degradation-track';
export { DEFAULT_DEGRADATION, type DegradationSettings } from './degradation-settings';
export type { IndicatorTrend, TrendFamily } from './trend-fit';
export {
  AnomalyHistory,
  DEFAULT_ANOMALY_SETTINGS,
  type AnomalyOrigin,
  type AnomalySettings,
  type AnomalyStanding,
} from './anomaly-history';
export {
  lifePercentiles,
  hoursToProbability,
  firstOf,
  type BandLevels,
  type LifePercentiles,
} from './rul-percentiles';
export {
  DEFAULT_BAND_CALIBRATION,
  UNCALIBRATED,
  calibratedLevels,
  learnBandCalibration,
  normalScore,
  type BandCalibration,
} from './band-calibration';
export {
  recommendMaintenance,
  DEFAULT_MAINTENANCE,
  type MaintenanceRecommendation,
  type RecommendationInput,
} from './recommend-maintenance';
export {
  ComponentHealthModel,
  type MaintenanceDone,
  type ObservedReading,
} from './component-health';
export {
  DEFAULT_COMPONENT_HEALTH,
  type ComponentHealthSettings,
} from './component-health-settings';
export type { HealthAssessment } from './health-assessment';
export { rollUpMaintenance, type MaintenanceRollUp } from './roll-up-maintenance';
