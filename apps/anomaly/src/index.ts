// What the all-in-one process composes: the service's definition (and start function) and its configuration.
export { anomalyService, startAnomaly, type RunningAnomaly } from './anomaly.app';
export { readAnomalyConfig, type AnomalyConfig } from './config/anomaly.config';
// Its HTTP controllers, for the gateway's OpenAPI document (ADR 0016).
export { ANOMALY_HTTP_API } from './http-api';
