/** Nest injection tokens of the anomaly service's ports and settings. */
export const INFRASTRUCTURE = Symbol('Infrastructure');
export const ANOMALY_CONFIG = Symbol('AnomalyConfig');
/** Wall clock for the record time of the events it appends (tests pin it). */
export const CLOCK = Symbol('Clock');
/** The two event-log subscriptions, told apart so each gets only its own handlers. */
export const DIRECTORY_FEED = Symbol('anomaly twin directory feed');
export const DETECTION_FEED = Symbol('anomaly detection feed');
