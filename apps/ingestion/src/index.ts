// What the all-in-one process composes: the service's start function and its configuration.
export { startIngestion, type RunningIngestion } from './ingestion.app';
export { readIngestionConfig, type IngestionConfig } from './config/ingestion.config';
