import {
  ComponentHealthModel,
  DEFAULT_COMPONENT_HEALTH,
  type HealthAssessment,
} from '@twinlog/analytics';
import type { Limits, MaintenanceSpec } from '@twinlog/domain';
import type { ImsBearing, ImsTest } from './ims-data';
import { LimitsEpisodes } from './limits-episodes';

const HOUR_MS = 3_600_000;
/** The first day of a test is the bearing's commissioning: its limits are set from it. */
export const COMMISSIONING_HOURS = 24;
/** Relative vibration limits, as set on a machine without absolute ones: warning past 1.5x the commissioning level, alarm at 2x (+6 dB), failure at 3x (+9.5 dB). */
export const LIMIT_MULTIPLES = { normal: 1.5, alarm: 2, failure: 3 };
/** A bearing swap on the rig: a shift, with a day to get the part and crew. */
export const BEARING_JOB: MaintenanceSpec = {
  action: 'replace bearing',
  downtimeHours: 8,
  leadHours: 24,
};

export interface Checkpoint {
  hoursLeft: number;
  assessment: HealthAssessment;
}

/** The limits a reliability engineer would set after commissioning: multiples of the first day's median. */
export function commissioningLimits(test: ImsTest, bearing: ImsBearing): Record<string, Limits> {
  const firstDay = test.times.findIndex((t) => t - test.times[0]! >= COMMISSIONING_HOURS * HOUR_MS);
  const limits: Record<string, Limits> = {};
  for (const channel of bearing.channels) {
    const sorted = channel.values.slice(0, firstDay).sort((a, b) => a - b);
    const base = sorted[sorted.length >> 1]!;
    limits[channel.name] = {
      normal: { low: 0, high: base * LIMIT_MULTIPLES.normal },
      alarm: { high: base * LIMIT_MULTIPLES.alarm },
      failure: { high: base * LIMIT_MULTIPLES.failure },
    };
  }
  return limits;
}

/**
 * Feeds a bearing's readings, in order, through the same streaming model the maintenance
 * service runs (a prediction at every 10-minute reading), and returns each prediction with the
 * true time left until the end of the test.
 */
export function runBearing(
  test: ImsTest,
  bearing: ImsBearing,
  { limitsEpisodes = false }: { limitsEpisodes?: boolean } = {},
): Checkpoint[] {
  const limits = commissioningLimits(test, bearing);
  const model = new ComponentHealthModel(
    `${test.name}/${bearing.name}`,
    limits,
    BEARING_JOB,
    {
      ...DEFAULT_COMPONENT_HEALTH,
      // Its healthy reference is the commissioning day too (144 readings), like its limits.
      degradation: { ...DEFAULT_COMPONENT_HEALTH.degradation, baselineBuckets: 144 },
      checkpointSeconds: 60,
    },
  );
  const end = test.times[test.times.length - 1]!;
  const out: Checkpoint[] = [];
  // As the anomaly service's limits detector would see the raw readings, when asked.
  const episodes = limitsEpisodes ? new LimitsEpisodes(bearing.name, limits, model) : undefined;
  test.times.forEach((at, i) => {
    const readings = bearing.channels.map((c) => ({ property: c.name, value: c.values[i]!, at }));
    episodes?.observe(readings, at);
    model.observe(readings);
    if (!model.due()) return;
    out.push({ hoursLeft: (end - at) / HOUR_MS, assessment: model.checkpoint()! });
  });
  return out;
}

/** When a plain limit rule (a raw reading at the alarm limit) would first have fired, hours before the end. */
export function plainAlarmLead(test: ImsTest, bearing: ImsBearing): number | undefined {
  const limits = commissioningLimits(test, bearing);
  const end = test.times[test.times.length - 1]!;
  const i = test.times.findIndex((_, k) =>
    bearing.channels.some((c) => c.values[k]! >= limits[c.name]!.alarm!.high!),
  );
  return i < 0 ? undefined : (end - test.times[i]!) / HOUR_MS;
}

/**
 * When the bearing's own level (the mean of three readings, as the model smooths it) first
 * reached its failure limit, hours before the end of the test: the end of life the model
 * predicts, which may come before the rig was stopped.
 */
export function thresholdCrossingLead(test: ImsTest, bearing: ImsBearing): number | undefined {
  const limits = commissioningLimits(test, bearing);
  const end = test.times[test.times.length - 1]!;
  const i = test.times.findIndex((_, k) =>
    bearing.channels.some((c) => {
      const last = c.values.slice(Math.max(0, k - 2), k + 1);
      return last.reduce((s, v) => s + v, 0) / last.length >= limits[c.name]!.failure!.high!;
    }),
  );
  return i < 0 ? undefined : (end - test.times[i]!) / HOUR_MS;
}
