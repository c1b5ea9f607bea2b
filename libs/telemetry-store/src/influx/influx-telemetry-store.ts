import {
  chunksToLinesIterable,
  InfluxDB,
  linesToRowsIterable,
  Point,
} from '@influxdata/influxdb-client';
import { MAX_STORE_WINDOWS, windowCount } from '@twinlog/domain';
import { downsampleFlux, windowsOf, type AggregateRow } from './flux-downsample';
import type {
  DownsampledSeries,
  DownsampleQuery,
  SeriesPoint,
  SeriesQuery,
  TelemetryPoint,
  TelemetryStore,
} from '../telemetry-store.port';
import { writeLineProtocol } from './influx-write';

export interface InfluxStoreConfig {
  url: string;
  token: string;
  org: string;
  bucket: string;
  /** Points per write request. */
  batchSize?: number;
  /** Retries of a failed write (network, 5xx, 429) before the error reaches the caller, who keeps its Kafka offset. */
  maxRetries?: number;
}

/**
 * Telemetry in InfluxDB 2.x: measurement per twin type, tags twin_id, site and property, one
 * float field `value`. A write resolves only once InfluxDB accepted it,
 * so a consumer commits its Kafka offset after the data is durable.
 */
export class InfluxTelemetryStore implements TelemetryStore {
  private readonly influx: InfluxDB;

  constructor(private readonly config: InfluxStoreConfig) {
    this.influx = new InfluxDB({ url: config.url, token: config.token, timeout: 10_000 });
  }

  /**
   * Writes in batches through the v2 write endpoint, each resolved only by InfluxDB's 204, and
   * retried with backoff. (The client's buffered WriteApi may resolve close() while a failed
   * batch still waits in its retry buffer; a consumer must not commit its offset on that.)
   */
  async write(points: TelemetryPoint[]): Promise<void> {
    const size = this.config.batchSize ?? 5_000;
    for (let i = 0; i < points.length; i += size) {
      await writeLineProtocol(
        this.config,
        points
          .slice(i, i + size)
          .map((p) => toPoint(p).toLineProtocol()!)
          .join('\n'),
        'write',
      );
    }
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

  /**
   * Twins in groups of TWINS_PER_QUERY (a roll-up over a large line), each group one Flux
   * request with its values in `extern` (see downsampleFlux).
   */
  async downsample(query: DownsampleQuery): Promise<DownsampledSeries[]> {
    const windows = windowCount(Date.parse(query.from), Date.parse(query.to), query.everyMs);
    if (windows > MAX_STORE_WINDOWS)
      throw new RangeError(`${windows} windows per series asked; at most ${MAX_STORE_WINDOWS}`);
    const answers: DownsampledSeries[] = [];
    for (let i = 0; i < query.twinIds.length; i += TWINS_PER_QUERY) {
      query.signal?.throwIfAborted();
      const part = { ...query, twinIds: query.twinIds.slice(i, i + TWINS_PER_QUERY) };
      answers.push(...windowsOf(part, await this.aggregateRows(part)));
    }
    return answers;
  }

  private async aggregateRows(query: DownsampleQuery): Promise<AggregateRow[]> {
    const { query: flux, extern } = downsampleFlux(this.config.bucket, query);
    const chunks = this.influx.transport.iterate(
      `/api/v2/query?org=${encodeURIComponent(this.config.org)}`,
      JSON.stringify({
        query: flux,
        extern,
        type: 'flux',
        dialect: { header: true, annotations: ['datatype', 'group', 'default'], delimiter: ',' },
      }),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json; encoding=utf-8' },
        signal: AbortSignal.any([
          AbortSignal.timeout(30_000),
          ...(query.signal ? [query.signal] : []),
        ]),
      },
    );
    const rows: AggregateRow[] = [];
    for await (const { values, tableMeta } of linesToRowsIterable(chunksToLinesIterable(chunks))) {
      rows.push({
        result: String(tableMeta.get(values, 'result')),
        time: String(tableMeta.get(values, '_time')),
        twinId: String(tableMeta.get(values, 'twin_id')),
        property: String(tableMeta.get(values, 'property')),
        value: Number(tableMeta.get(values, '_value')),
      });
    }
    return rows;
  }

  /** Every write is its own request, settled before write() returns: nothing is pending here. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Twins per Flux request of a downsampled read: each adds one predicate to the filter. */
const TWINS_PER_QUERY = 50;

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
