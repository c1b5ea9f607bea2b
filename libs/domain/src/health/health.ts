import type { Band, Limits } from '../model/twin-model.schema';
import type { TwinState } from '../twin/twin-state';
import { ownValue, setOwn } from '../own-names';

/** How far a value is from normal, mildest first. */
export const HEALTH_BANDS = ['normal', 'warning', 'alarm', 'failure'] as const;
export type HealthBand = (typeof HEALTH_BANDS)[number];
/** A twin with nothing to judge (no readings with limits) is 'unknown', below 'normal'. */
export type TwinHealthStatus = HealthBand | 'unknown';

const rank = (s: TwinHealthStatus) => (s === 'unknown' ? -1 : HEALTH_BANDS.indexOf(s));
export const worse = (a: TwinHealthStatus, b: TwinHealthStatus): TwinHealthStatus =>
  rank(b) > rank(a) ? b : a;

const reaches = (value: number, band: Band | undefined) =>
  band !== undefined &&
  ((band.high !== undefined && value >= band.high) ||
    (band.low !== undefined && value <= band.low));

/**
 * The band of a value: the most severe level whose bound it reaches (failure, alarm, warning),
 * else 'warning' if it is outside the normal band, else 'normal'. Bounds are inclusive: a
 * value at the alarm limit is in alarm.
 */
export function bandOf(value: number, limits: Limits): HealthBand {
  if (reaches(value, limits.failure)) return 'failure';
  if (reaches(value, limits.alarm)) return 'alarm';
  if (reaches(value, limits.warning)) return 'warning';
  const normal = limits.normal;
  if (
    normal &&
    ((normal.high !== undefined && value > normal.high) ||
      (normal.low !== undefined && value < normal.low))
  )
    return 'warning';
  return 'normal';
}

export interface TwinHealth {
  status: TwinHealthStatus;
  /** The band of each current value that has limits. */
  properties: Record<string, HealthBand>;
}

/**
 * A twin's health from its current values against its limits, made worse by active anomalies
 * (an anomaly of severity alarm/critical counts as alarm/failure).
 */
export function twinHealth(
  state: Pick<TwinState, 'reported' | 'limits' | 'activeAnomalies'>,
): TwinHealth {
  const properties: Record<string, HealthBand> = {};
  let status: TwinHealthStatus = 'unknown';
  for (const [property, reported] of Object.entries(state.reported)) {
    const limits = ownValue(state.limits, property);
    if (!limits || Object.keys(limits).length === 0) continue;
    const band = bandOf(reported.value, limits);
    setOwn(properties, property, band);
    status = worse(status, band);
  }
  for (const anomaly of Object.values(state.activeAnomalies)) {
    const band: HealthBand =
      anomaly.severity === 'critical'
        ? 'failure'
        : anomaly.severity === 'alarm'
          ? 'alarm'
          : 'warning';
    status = worse(status, anomaly.severity === 'info' ? 'normal' : band);
  }
  return { status, properties };
}
