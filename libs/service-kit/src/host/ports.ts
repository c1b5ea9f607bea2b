import type { Assistant } from '@twinlog/ai';
import type { ModelCatalog } from '@twinlog/domain';
import type { EventLog } from '@twinlog/event-log';
import type { TelemetryStore } from '@twinlog/telemetry-store';

/**
 * What a service is given to work with. Each service is handed only the ports it declares it
 * uses: one that never reads or writes telemetry points opens no InfluxDB connection.
 */
export interface ServicePorts {
  log: EventLog;
  catalog: ModelCatalog;
  /** Only for services whose definition says `usesStore`. */
  store?: TelemetryStore;
  /**
   * The process's one AI assistant (off without a key), for services whose definition says
   * `usesAi`; provided to them under AI_ASSISTANT (@twinlog/ai). One per process: the token
   * budget and the concurrency limit are the process's.
   */
  ai?: Assistant;
}

/** Nest injection tokens of the ports, declared once for every service. */
export const EVENT_LOG = Symbol('EventLog');
export const TELEMETRY_STORE = Symbol('TelemetryStore');
export const MODEL_CATALOG = Symbol('ModelCatalog');
/** Wall clock (ISO 8601) for the record time of the events a service appends; tests pin it. */
export const CLOCK = Symbol('Clock');

export type Clock = () => string;

export const systemClock: Clock = () => new Date().toISOString();

/**
 * The consumer group that copies telemetry from the log into the store (ingestion's writer).
 * The embedded log's retention waits for it: a reading leaves the log only once it is stored.
 */
export const TELEMETRY_WRITER_GROUP = 'ingestion-telemetry-writer';
