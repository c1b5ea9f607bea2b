// What the all-in-one process composes: the service's start function and its configuration.
export { startAnomaly, type RunningAnomaly } from './anomaly.app';
export { readAnomalyConfig, type AnomalyConfig } from './config/anomaly.config';
