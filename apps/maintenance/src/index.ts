// What the all-in-one process composes: the service's definition (and start function) and its configuration.
export { maintenanceService, startMaintenance, type RunningMaintenance } from './maintenance.app';
export { readMaintenanceConfig, type MaintenanceConfig } from './config/maintenance.config';
// Its HTTP controllers, for the gateway's OpenAPI document (ADR 0016).
export { MAINTENANCE_HTTP_API } from './http-api';
