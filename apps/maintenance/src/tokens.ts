/** Nest injection tokens of the maintenance service's ports and settings. */
export const INFRASTRUCTURE = Symbol('Infrastructure');
export const MAINTENANCE_CONFIG = Symbol('MaintenanceConfig');
/** Wall clock for the record time of the events it appends (tests pin it). */
export const CLOCK = Symbol('Clock');
/** The two event-log subscriptions, told apart so each gets only its own handlers. */
export const TWIN_EVENTS_FEED = Symbol('maintenance twin-events feed');
export const TELEMETRY_FEED = Symbol('maintenance telemetry feed');
