import { DEFAULT_ANOMALY_SETTINGS, type AnomalySettings } from './anomaly-history';
import { DEFAULT_DEGRADATION, type DegradationSettings } from './degradation-settings';

export interface ComponentHealthSettings {
  degradation: DegradationSettings;
  anomalies: AnomalySettings;
  /** Remaining lives beyond this are reported as this, flagged beyond the horizon. */
  horizonHours: number;
  /** A prediction at most once per this much event time, unless something significant changed. */
  checkpointSeconds: number;
}

export const DEFAULT_COMPONENT_HEALTH: ComponentHealthSettings = {
  degradation: DEFAULT_DEGRADATION,
  anomalies: DEFAULT_ANOMALY_SETTINGS,
  horizonHours: 24 * 365,
  checkpointSeconds: 300,
};
