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
  /** The worst band among the indicators' current levels. */
  worstBand: HealthBand;
  worstOpenAnomaly: Severity | undefined;
  spec: MaintenanceSpec | undefined;
}

const ORDER: MaintenancePriority[] = ['low', 'medium', 'high', 'critical'];
const atLeast = (a: MaintenancePriority, b: MaintenancePriority) =>
  ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a;
const HOUR_MS = 3_600_000;

/**
 * What to do and when. The slack is the time left to start the work and still finish it
 * before the early (P10) end of life. Priority: critical when there is no slack (or it has
 * failed), high when the slack is within the planning lead, medium within three leads, else
 * low; raised by the current band (warning: medium, alarm: high) and open anomalies (alarm:
 * medium, critical: high). The window ends at the latest start and opens a quarter of the
 * slack (at least the downtime) earlier, never before now. A priority raised by a band or an
 * anomaly also brings the window's end within that priority's reach (high: the planning lead,
 * medium: three leads).
 */
export function recommendMaintenance(input: RecommendationInput): MaintenanceRecommendation {
  const spec = input.spec ?? DEFAULT_MAINTENANCE;
  const failed = input.worstBand === 'failure' || input.healthIndex <= 0 || input.life.p50 === 0;
  const downtimeHours = failed
    ? (spec.correctiveDowntimeHours ?? spec.downtimeHours)
    : spec.downtimeHours;
  const slack = input.life.p10 - downtimeHours;
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
  const byBand =
    input.worstBand === 'alarm' ? 'high' : input.worstBand === 'warning' ? 'medium' : 'low';
  if (atLeast(priority, byBand) !== priority)
    reasons.push(`a reading is in its ${input.worstBand} band`);
  priority = atLeast(priority, byBand);
  const anomaly = input.worstOpenAnomaly;
  const byAnomaly = anomaly === 'critical' ? 'high' : anomaly === 'alarm' ? 'medium' : 'low';
  if (atLeast(priority, byAnomaly) !== priority) reasons.push(`an open ${anomaly} anomaly`);
  priority = atLeast(priority, byAnomaly);

  // A priority raised by a band or an anomaly (not by the remaining life) pulls the window in
  // as well: "high" with a window a year away would contradict itself.
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
