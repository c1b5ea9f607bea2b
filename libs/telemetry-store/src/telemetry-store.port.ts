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

/**
 * Telemetry time series: InfluxDB 2.x in the distributed mode, node:sqlite embedded. Writing the
 * same twin, property and time again replaces the value (idempotent re-delivery).
 */
export interface TelemetryStore {
  write(points: TelemetryPoint[]): Promise<void>;
  /** Points in time order (then by property). */
  query(query: SeriesQuery): Promise<SeriesPoint[]>;
  close(): Promise<void>;
}
