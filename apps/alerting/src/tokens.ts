/** Nest injection tokens of the alerting service's settings (its ports are service-kit's). */
export const ALERTING_CONFIG = Symbol('AlertingConfig');
/** The twin-events subscription (consumer group) whose findings become alert causes. */
export const CAUSES_FEED = Symbol('alerting causes feed');
/** The telemetry subscription (consumer group) that notes when each twin last reported. */
export const SILENCE_FEED = Symbol('alerting silence feed');
