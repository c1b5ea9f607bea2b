// What the all-in-one process composes: the service's definition (and start function) and its configuration.
export { ingestionService, startIngestion, type RunningIngestion } from './ingestion.app';
export { readIngestionConfig, type IngestionConfig } from './config/ingestion.config';
// Its HTTP controllers, for the gateway's OpenAPI document (ADR 0016).
export { INGESTION_HTTP_API } from './http-api';
