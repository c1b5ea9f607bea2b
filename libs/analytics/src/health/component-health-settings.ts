import { DEFAULT_ANOMALY_SETTINGS, type AnomalySettings } from './anomaly-history';
import { DEFAULT_BAND_CALIBRATION, type BandCalibration } from './band-calibration';
import { DEFAULT_DEGRADATION, type DegradationSettings } from './degradation-settings';

export interface ComponentHealthSettings {
  degradation: DegradationSettings;
  anomalies: AnomalySettings;
  /** Where past truths fell in the model's distribution: the band is read off it there. */
  band: BandCalibration;
  /** Remaining lives beyond this are reported as this, flagged beyond the horizon. */
  horizonHours: number;
  /** A prediction at most once per this much event time, unless something significant changed. */
  checkpointSeconds: number;
}

export const DEFAULT_COMPONENT_HEALTH: ComponentHealthSettings = {
  degradation: DEFAULT_DEGRADATION,
  anomalies: DEFAULT_ANOMALY_SETTINGS,
  band: DEFAULT_BAND_CALIBRATION,
  horizonHours: 24 * 365,
  checkpointSeconds: 300,
};
