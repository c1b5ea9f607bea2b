import { Point } from '@influxdata/influxdb-client';
import type { InfluxStoreConfig } from './influx-telemetry-store';
import { writeLineProtocol } from './influx-write';

/** The measurement a twin's limits are written to, beside its readings (docs/grafana.md). */
export const LIMITS_MEASUREMENT = 'twin_limits';

/** A property's limits from a moment on: every bound it has then (none set is a snapshot too). */
export interface LimitSnapshot {
  twinId: string;
  site: string | null;
  property: string;
  /** The bounds set, by `<level>_<side>`: `{ alarm_high: 80, normal_low: 10 }`. */
  bounds: Record<string, number>;
  /** Event time (ISO 8601) of the change. */
  time: string;
  /** The event's revision: orders two changes of the same millisecond. */
  revision: number;
}

/**
 * Writes limit snapshots as points of `twin_limits` (tags twin_id, site, property; one float
 * field per bound set and `bounds`, their count, so a snapshot without bounds is a point too).
 * A point is a whole snapshot: a bound missing from the newest one is no longer set. Rewriting
 * a snapshot (a replay) writes the same point again, which changes nothing.
 */
export class InfluxLimitsWriter {
  constructor(private readonly config: InfluxStoreConfig) {}

  async write(snapshots: LimitSnapshot[]): Promise<void> {
    if (snapshots.length === 0) return;
    const body = snapshots.map((s) => limitPoint(s).toLineProtocol()!).join('\n');
    await writeLineProtocol(this.config, body, 'limits write');
  }
}

/** The point of one snapshot, at its event time plus its revision in nanoseconds. */
export function limitPoint(s: LimitSnapshot): Point {
  const bounds = Object.entries(s.bounds).filter(([, value]) => Number.isFinite(value));
  const point = new Point(LIMITS_MEASUREMENT)
    .tag('twin_id', s.twinId)
    .tag('property', s.property)
    .floatField('bounds', bounds.length)
    .timestamp(nanoseconds(s.time, s.revision));
  for (const [bound, value] of bounds) point.floatField(bound, value);
  return s.site ? point.tag('site', s.site) : point;
}

function nanoseconds(iso: string, revision: number): string {
  return String(BigInt(Date.parse(iso)) * 1_000_000n + BigInt(revision % 1_000_000));
}
