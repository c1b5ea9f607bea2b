/** Nest injection tokens of the anomaly service's settings (its ports are service-kit's). */
export const ANOMALY_CONFIG = Symbol('AnomalyConfig');
/** The telemetry subscription its detection handler is bound to. */
export const DETECTION_FEED = Symbol('anomaly detection feed');
