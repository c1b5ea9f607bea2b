import type { HealthBand, MaintenancePriority, MaintenanceSpec, Severity } from '@twinlog/domain';
import type { LifePercentiles } from './rul-percentiles';

/** When nothing in the model says what maintaining it takes: an inspection, planned a day ahead. */
export const DEFAULT_MAINTENANCE: MaintenanceSpec = {
  action: 'inspect and service',
  downtimeHours: 1,
  leadHours: 24,
};

export interface MaintenanceRecommendation {
  type: 'preventive' | 'corrective';
  priority: MaintenancePriority;
  action: string;
  downtimeHours: number;
  /** Start the work within [from, to] (epoch ms) to be done before the early end of life. */
  window: { from: number; to: number };
  /** Why this priority, in words. */
  reasons: string[];
}

export interface RecommendationInput {
  now: number;
  life: LifePercentiles;
  healthIndex: number;
  /** The worst band of the indicators' limit state (level, last minute, open limits anomalies). */
  worstBand: HealthBand;
  /** An indicator is at its threshold (the limit its remaining life is measured to). */
  pastThreshold?: boolean;
  worstOpenAnomaly: Severity | undefined;
  spec: MaintenanceSpec | undefined;
}

const ORDER: MaintenancePriority[] = ['low', 'medium', 'high', 'critical'];
const atLeast = (a: MaintenancePriority, b: MaintenancePriority) =>
  ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a;
const HOUR_MS = 3_600_000;

/** The least priority each piece of evidence allows: what a planner would call absurd below it. */
const BY_BAND: Record<HealthBand, MaintenancePriority> = {
  normal: 'low',
  warning: 'medium',
  alarm: 'high',
  failure: 'critical',
};
const BY_ANOMALY: Record<Severity, MaintenancePriority> = {
  info: 'low',
  warning: 'medium',
  alarm: 'high',
  critical: 'high',
};
/** A health index a planner reads as poor (at most 25) or fair (at most 50) is never low. */
const byHealth = (index: number): MaintenancePriority =>
  index <= 25 ? 'high' : index <= 50 ? 'medium' : 'low';

/**
 * What to do and when. The slack is the time left to start the work and still finish it
 * before the early (P10) end of life. Priority: critical when there is no slack (or it is at
 * its threshold), high when the slack is within the planning lead, medium within three leads,
 * else low; then raised to the least that the other evidence allows: the limit state (warning:
 * medium, alarm: high, failure: critical), an open anomaly (warning: medium, alarm and
 * critical: high) and the health index (at most 50: medium, at most 25: high). The window ends
 * at the latest start and opens a quarter of the slack (at least the downtime) earlier, never
 * before now; a priority raised by other evidence brings the window's end within its reach
 * (critical: now, high: the planning lead, medium: three leads).
 */
export function recommendMaintenance(input: RecommendationInput): MaintenanceRecommendation {
  const spec = input.spec ?? DEFAULT_MAINTENANCE;
  const failed = input.pastThreshold === true || input.worstBand === 'failure' || input.life.p50 === 0;
  const downtimeHours = failed
    ? (spec.correctiveDowntimeHours ?? spec.downtimeHours)
    : spec.downtimeHours;
  const slack = failed ? 0 : input.life.p10 - downtimeHours;
  const reasons: string[] = [];
  let priority: MaintenancePriority;
  if (failed) {
    priority = 'critical';
    reasons.push('at its failure threshold');
  } else if (slack <= 0) {
    priority = 'critical';
    reasons.push(
      `early end of life (${hours(input.life.p10)}) is within the ${hours(downtimeHours)} job`,
    );
  } else if (slack <= spec.leadHours) {
    priority = 'high';
    reasons.push(`${hours(slack)} of slack is within the ${hours(spec.leadHours)} planning lead`);
  } else if (slack <= 3 * spec.leadHours) {
    priority = 'medium';
    reasons.push(`${hours(slack)} of slack is within three planning leads`);
  } else {
    priority = 'low';
    reasons.push(
      input.life.beyond.p10 ? 'no failure expected within the horizon' : `${hours(slack)} of slack`,
    );
  }
  const raise = (floor: MaintenancePriority, why: string) => {
    if (atLeast(priority, floor) === priority) return;
    priority = floor;
    reasons.push(why);
  };
  raise(BY_BAND[input.worstBand], `a reading is in its ${input.worstBand} band`);
  const anomaly = input.worstOpenAnomaly;
  if (anomaly) raise(BY_ANOMALY[anomaly], `an open ${anomaly} anomaly`);
  raise(byHealth(input.healthIndex), `health index ${input.healthIndex}`);

  // A priority raised by other evidence (not by the remaining life) pulls the window in as
  // well: "high" with a window a year away would contradict itself.
  const urgentWithin =
    priority === 'critical'
      ? 0
      : priority === 'high'
        ? spec.leadHours
        : priority === 'medium'
          ? 3 * spec.leadHours
          : Infinity;
  const latestStart = Math.min(Math.max(0, slack), urgentWithin);
  const to = input.now + latestStart * HOUR_MS;
  const from = Math.max(input.now, to - Math.max(downtimeHours, latestStart / 4) * HOUR_MS);
  return {
    type: failed ? 'corrective' : 'preventive',
    priority,
    action: spec.action,
    downtimeHours,
    window: { from, to },
    reasons,
  };
}

function hours(h: number): string {
  return h >= 48 ? `${(h / 24).toFixed(1)} d` : `${h.toFixed(1)} h`;
}
