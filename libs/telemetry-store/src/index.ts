export * from './telemetry-store.port';
export { SqliteTelemetryStore } from './embedded/sqlite-telemetry-store';
export { InfluxTelemetryStore, type InfluxStoreConfig } from './influx/influx-telemetry-store';
export {
  InfluxLimitsWriter,
  LIMITS_MEASUREMENT,
  limitPoint,
  type LimitSnapshot,
} from './influx/influx-limits-writer';
