// What the all-in-one process composes: the service's start function and its configuration.
export { startMaintenance, type RunningMaintenance } from './maintenance.app';
export { readMaintenanceConfig, type MaintenanceConfig } from './config/maintenance.config';
