/** Nest injection tokens of the ingestion service's ports and settings. */
export const INFRASTRUCTURE = Symbol('Infrastructure');
export const INGESTION_CONFIG = Symbol('IngestionConfig');
/** The two event-log subscriptions, told apart so each gets only its own handlers. */
export const DIRECTORY_FEED = Symbol('ingestion twin directory feed');
export const TELEMETRY_WRITER_FEED = Symbol('ingestion telemetry writer feed');
