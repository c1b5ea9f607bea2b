import { InfluxDB, Point, type WriteApi } from '@influxdata/influxdb-client';
import type {
  SeriesPoint,
  SeriesQuery,
  TelemetryPoint,
  TelemetryStore,
} from '../telemetry-store.port';

export interface InfluxStoreConfig {
  url: string;
  token: string;
  org: string;
  bucket: string;
  /** Points per write request. */
  batchSize?: number;
  /** Retries of a failed write before the error reaches the caller (who keeps the Kafka offset). */
  maxRetries?: number;
}

/**
 * Telemetry in InfluxDB 2.x: measurement per twin type, tags twin_id, site and property, one
 * float field `value`, millisecond timestamps. A write resolves only once InfluxDB accepted it,
 * so a consumer commits its Kafka offset after the data is durable.
 */
export class InfluxTelemetryStore implements TelemetryStore {
  private readonly influx: InfluxDB;

  constructor(private readonly config: InfluxStoreConfig) {
    this.influx = new InfluxDB({ url: config.url, token: config.token, timeout: 10_000 });
  }

  async write(points: TelemetryPoint[]): Promise<void> {
    if (points.length === 0) return;
    const writer: WriteApi = this.influx.getWriteApi(this.config.org, this.config.bucket, 'ms', {
      batchSize: this.config.batchSize ?? 5_000,
      maxRetries: this.config.maxRetries ?? 3,
      flushInterval: 0,
    });
    writer.writePoints(points.map(toPoint));
    await writer.close();
  }

  async query(query: SeriesQuery): Promise<SeriesPoint[]> {
    const properties = query.properties ?? [];
    const propertyFilter =
      properties.length > 0
        ? ` and (${properties.map((p) => `r.property == ${flux(p)}`).join(' or ')})`
        : '';
    const rows = await this.influx
      .getQueryApi(this.config.org)
      .collectRows<{ property: string; _time: string; _value: number }>(
        `from(bucket: ${flux(this.config.bucket)})
         |> range(start: time(v: ${flux(query.from)}), stop: time(v: ${flux(query.to)}))
         |> filter(fn: (r) => r.twin_id == ${flux(query.twinId)} and r._field == "value"${propertyFilter})
         |> group()
         |> sort(columns: ["_time", "property"])`,
      );
    return rows.map((r) => ({
      property: r.property,
      time: new Date(r._time).toISOString(),
      value: r._value,
    }));
  }

  /** Each write flushes and closes its own write API, so nothing is pending here. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function toPoint(p: TelemetryPoint): Point {
  const point = new Point(p.twinType)
    .tag('twin_id', p.twinId)
    .tag('property', p.property)
    .floatField('value', p.value)
    .timestamp(new Date(p.time));
  return p.site ? point.tag('site', p.site) : point;
}

/** A Flux string literal: quotes and backslashes escaped, so ids cannot change the query. */
function flux(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
