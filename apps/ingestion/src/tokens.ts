/** Nest injection tokens of the ingestion service's settings (its ports are service-kit's). */
export const INGESTION_CONFIG = Symbol('IngestionConfig');
/** The telemetry subscription the telemetry writer is bound to. */
export const TELEMETRY_WRITER_FEED = Symbol('ingestion telemetry writer feed');
export const LIMITS_WRITER_FEED = Symbol('ingestion limits writer feed');
/** The InfluxDB writer of limit snapshots (distributed mode only). */
export const LIMITS_WRITER = Symbol('ingestion limits writer');
