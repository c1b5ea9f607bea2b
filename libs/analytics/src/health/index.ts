export { healthIndicators, type IndicatorSpec } from './health-indicators';
export {
  BucketHistory,
  DEFAULT_BUCKET_HISTORY,
  type Bucket,
  type BucketHistorySettings,
} from './bucket-history';
export {
  DegradationTrack,
  DEFAULT_DEGRADATION,
  type DegradationSettings,
  type IndicatorState,
  type IndicatorTrend,
  type TrendFamily,
} from './degradation-track';
export {
  AnomalyHistory,
  DEFAULT_ANOMALY_SETTINGS,
  type AnomalySettings,
  type AnomalyStanding,
} from './anomaly-history';
export {
  lifePercentiles,
  hoursToProbability,
  firstOf,
  type LifePercentiles,
} from './rul-percentiles';
export {
  recommendMaintenance,
  DEFAULT_MAINTENANCE,
  type MaintenanceRecommendation,
  type RecommendationInput,
} from './recommend-maintenance';
export {
  ComponentHealthModel,
  DEFAULT_COMPONENT_HEALTH,
  type ComponentHealthSettings,
  type HealthAssessment,
  type MaintenanceDone,
  type ObservedReading,
} from './component-health';
export { rollUpMaintenance, type MaintenanceRollUp } from './roll-up-maintenance';
