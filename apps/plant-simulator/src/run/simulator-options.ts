import type { CsvReplay, FaultSpec, MachinePhysics, TimelineName } from '@twinlog/plant-sim';
import type { SimulatorStats } from './stats';

/** A synthetic plant: a line of CNC machines. */
export interface PlantSourceOptions {
  machines?: number;
  seed?: number;
  site?: string;
  /** Built-in fault schedule (default `demo`); `faults` replaces it. */
  timeline?: TimelineName;
  faults?: FaultSpec[];
  /** From the model catalog (machinePhysicsFromModel); the seed model's values otherwise. */
  physics?: MachinePhysics;
}

/** A CSV file's rows, replayed. */
export interface ReplaySourceOptions {
  replay: CsvReplay;
  /** Keep the file's own times instead of moving them to the run's plant time. */
  keepTime?: boolean;
  /** Twin type per replayed twin, for `register`; the key `*` stands for any other twin. */
  twinTypes?: Record<string, string>;
  site?: string;
}

export interface SimulatorOptions {
  plant?: PlantSourceOptions;
  replay?: ReplaySourceOptions;
  /** Ingestion's HTTP base URL; default http://127.0.0.1:8081. Ignored when `mqtt` is set. */
  target?: string;
  /** The broker login may be in the URL or apart (`username`, `password`). */
  mqtt?: { url: string; topic?: string; clientId?: string; username?: string; password?: string };
  /** Twin-state's HTTP base URL; default http://127.0.0.1:8082. */
  twinState?: string;
  /** Sent as `Authorization: Bearer` to ingestion and twin-state: an operator key (readings), engineer (registering). */
  apiKey?: string;
  /** Register the twins first (already registered is fine). */
  register?: boolean;
  /** Record tool changes as maintenance in twin-state; default: when registering. */
  maintenance?: boolean;
  /** Plant seconds per wall second; default 1. */
  speed?: number;
  /** Readings per wall second: sets the sample interval (plant) or the speed (replay). */
  rate?: number;
  /** Plant time between samples of the synthetic plant; default 1 s. */
  intervalMs?: number;
  /** Plant time of the first sample; default: so that the run reaches the present as it ends. */
  startMs?: number;
  /** Stop after this much wall time. */
  durationMs?: number;
  /** Stop after this many readings. */
  maxReadings?: number;
  /** Readings per request; default 1000. */
  batchSize?: number;
  /**
   * Hold due readings this long (wall time) and send them together, as a gateway buffers: a
   * twin's readings of one request become one event, whose fixed cost in the log (ids, keys,
   * indexes: about 400 bytes) they then share (docs/sizing.md). Default 0: sent as they come due.
   */
  flushEveryMs?: number;
  /** Requests in flight at once; default 1 (keeps each twin's readings in order). */
  concurrency?: number;
  /** On stop(), how long to keep delivering what is queued; default 10 s. */
  drainTimeoutMs?: number;
  onProgress?: (stats: SimulatorStats) => void;
  progressEveryMs?: number;
  /** Lines for a person: fault onsets, a tool breaking, the target down or back, rejections. */
  log?: (line: string) => void;
}

export const DEFAULTS = {
  target: 'http://127.0.0.1:8081',
  twinState: 'http://127.0.0.1:8082',
  mqttTopic: 'plant/{site}/{twinId}/telemetry',
  site: 'demo-plant',
  machines: 3,
  seed: 42,
  timeline: 'demo' as TimelineName,
  intervalMs: 1_000,
  batchSize: 1_000,
  flushEveryMs: 0,
  concurrency: 1,
  drainTimeoutMs: 10_000,
  progressEveryMs: 1_000,
  /** When nothing says how long a fast run lasts: reach the present after 10 minutes. */
  catchUpMs: 600_000,
  /** Readings refused TWIN_NOT_FOUND this soon after registering them are sent again. */
  registrationGraceMs: 10_000,
  /** Before publishing over MQTT (no per-reading answer), let ingestion learn new twins. */
  registrationSettleMs: 1_000,
};
