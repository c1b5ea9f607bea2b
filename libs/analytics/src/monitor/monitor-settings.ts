import type { TwinModel } from '@twinlog/domain';
import {
  DEFAULT_MONITOR_SETTINGS,
  type MonitorSettings,
  type PropertyMonitorSettings,
} from './twin-anomaly-monitor';

/** A twin's monitor settings from its model file: each property's `anomaly` block over the defaults. */
export function monitorSettingsFor(model: TwinModel): MonitorSettings {
  const { defaults } = DEFAULT_MONITOR_SETTINGS;
  const properties: Record<string, Partial<PropertyMonitorSettings>> = {};
  for (const [property, spec] of Object.entries(model.properties)) {
    const a = spec.anomaly;
    if (!a) continue;
    const own: Partial<PropertyMonitorSettings> = {
      baseline: {
        threshold: a.baselineThreshold ?? defaults.baseline.threshold,
        warmUp: a.baselineWarmUp ?? defaults.baseline.warmUp,
        weight: a.baselineWeight ?? defaults.baseline.weight,
      },
    };
    if (a.maxRatePerSecond !== undefined) own.maxRatePerSecond = a.maxRatePerSecond;
    // 0 turns the stuck-sensor check off for a property that legitimately holds still.
    if (a.flatlineSeconds !== undefined) own.flatlineSeconds = a.flatlineSeconds || undefined;
    properties[property] = own;
  }
  return { ...DEFAULT_MONITOR_SETTINGS, properties };
}
