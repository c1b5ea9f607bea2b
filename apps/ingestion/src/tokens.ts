/** Nest injection tokens of the ingestion service's settings (its ports are service-kit's). */
export const INGESTION_CONFIG = Symbol('IngestionConfig');
/** The telemetry subscription the telemetry writer is bound to. */
export const TELEMETRY_WRITER_FEED = Symbol('ingestion telemetry writer feed');
