/** Nest injection tokens of the maintenance service's settings (its ports are service-kit's). */
export const MAINTENANCE_CONFIG = Symbol('MaintenanceConfig');
/** The telemetry subscription its prediction handler is bound to. */
export const TELEMETRY_FEED = Symbol('maintenance telemetry feed');
