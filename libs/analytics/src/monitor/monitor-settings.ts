import type { TwinModel } from '@twinlog/domain';
import {
  checkMultivariateSettings,
  DEFAULT_MULTIVARIATE_SETTINGS,
} from '../multivariate/multivariate-settings';
import { checkOperatingStates } from '../multivariate/operating-states';
import { checkForModel } from './model-invalid';
import { singleStreamSettingsFor } from './single-stream-settings-for';
import {
  DEFAULT_MONITOR_SETTINGS,
  type MonitorSettings,
  type PropertyMonitorSettings,
  type TwinMultivariateSettings,
} from './monitor-types';

/**
 * A twin's monitor settings from its model file: each property's `anomaly` block over the
 * defaults, and the twin-level `anomaly.multivariate` block (on by default over all the model's
 * properties when it has two or more).
 */
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
    // 0 turns the missing-sensor check off for a property reported only on change.
    if (a.missingAfterIntervals !== undefined)
      own.missingAfterIntervals = a.missingAfterIntervals || undefined;
    const singleStream = singleStreamSettingsFor(model, property, a.singleStream);
    if (singleStream) own.singleStream = singleStream;
    properties[property] = own;
  }
  const multivariate = multivariateSettingsFor(model);
  return { ...DEFAULT_MONITOR_SETTINGS, properties, ...(multivariate ? { multivariate } : {}) };
}

function multivariateSettingsFor(model: TwinModel): TwinMultivariateSettings | undefined {
  const own = model.anomaly?.multivariate ?? {};
  const vector = own.properties ?? Object.keys(model.properties).sort();
  if (own.enabled === false || vector.length < 2) return undefined;
  const d = DEFAULT_MULTIVARIATE_SETTINGS;
  const settings: TwinMultivariateSettings = {
    ...d,
    properties: vector,
    warmUp: own.warmUp ?? d.warmUp,
    smoothing: own.smoothing ?? d.smoothing,
    adaptation: own.adaptation ?? d.adaptation,
    limitMargin: own.limitMargin ?? d.limitMargin,
  };
  const states = model.anomaly?.operatingStates;
  if (states)
    settings.operatingStates = {
      property: states.property,
      states: states.states,
      // The smoothing's span: by then the smoothing holds the new state's own vectors.
      settle: states.settle ?? settings.smoothing,
    };
  checkForModel(model, 'anomaly.', () => {
    checkMultivariateSettings(settings);
    if (settings.operatingStates) checkOperatingStates(settings.operatingStates);
  });
  return settings;
}
