// What the all-in-one process composes: the service's definition (and start function) and its configuration.
export { alertingService, startAlerting, type RunningAlerting } from './alerting.app';
export { readAlertingConfig, type AlertingConfig } from './config/alerting.config';
export { ALERTING_API, type AlertingApi } from './alerting-api';
// Its HTTP controllers, for the gateway's OpenAPI document (ADR 0016).
export { ALERTING_HTTP_API } from './http-api';
