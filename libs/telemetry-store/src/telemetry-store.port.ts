import type { WindowStats } from '@twinlog/domain';

/** One accepted reading as the time-series store keeps it. */
export interface TelemetryPoint {
  twinId: string;
  twinType: string;
  site: string | null;
  property: string;
  value: number;
  /** ISO 8601 event time. */
  time: string;
}

export interface SeriesQuery {
  twinId: string;
  /** All properties when omitted. */
  properties?: string[];
  /** Inclusive start and exclusive end, ISO 8601. */
  from: string;
  to: string;
}

export interface SeriesPoint {
  property: string;
  time: string;
  value: number;
}

export interface DownsampleQuery {
  /** One twin, or (for a roll-up) several; each answer series names its twin. */
  twinIds: string[];
  /** At least one; each answer series names its property. */
  properties: string[];
  /** Inclusive start and exclusive end, ISO 8601 (UTC, milliseconds at most). */
  from: string;
  to: string;
  /**
   * The window length in milliseconds: a whole number of seconds (see parseEvery). At most
   * MAX_STORE_WINDOWS windows over [from, to): more is refused with a RangeError.
   */
  everyMs: number;
  /** The caller went away: stop between series (and abort a request to InfluxDB). */
  signal?: AbortSignal;
}

/** One window of a series (libs/domain: the API answers and the dashboard reads the same shape). */
export type { WindowStats };

export interface DownsampledSeries {
  twinId: string;
  property: string;
  /** In time order; empty when the twin has no point of the property in the range. */
  windows: WindowStats[];
}

/**
 * Telemetry time series: InfluxDB 2.x in the distributed mode, node:sqlite embedded. Writing the
 * same twin, property and time again replaces the value (idempotent re-delivery).
 */
export interface TelemetryStore {
  write(points: TelemetryPoint[]): Promise<void>;
  /** Points in time order (then by property). */
  query(query: SeriesQuery): Promise<SeriesPoint[]>;
  /**
   * Per twin, property and window: mean, min, max, last and count. One series per twin and
   * property asked, in the order asked (twins, then properties).
   */
  downsample(query: DownsampleQuery): Promise<DownsampledSeries[]>;
  /** Optional: the points held, without a scan (the embedded store, for its storage report). */
  readingsHeld?(): number;
  close(): Promise<void>;
}
