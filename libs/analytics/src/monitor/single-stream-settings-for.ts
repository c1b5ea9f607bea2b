import type { TwinModel } from '@twinlog/domain';
import {
  checkSingleStreamSettings,
  DEFAULT_SINGLE_STREAM,
  type SingleStreamSettings,
} from '../single-stream/single-stream-settings';
import { checkForModel } from './model-invalid';

type Own = NonNullable<TwinModel['properties'][string]['anomaly']>['singleStream'];

/**
 * A property's single-stream detector settings from its model's `anomaly.singleStream` (true for
 * the defaults, or some of them); undefined when off. It is off unless asked for: its alarm
 * rate is per reading, so at one reading a second its default would open several alarms a day
 * on a healthy stream (docs/analytics/anomaly-detection.md).
 */
export function singleStreamSettingsFor(
  model: TwinModel,
  property: string,
  own: Own,
): SingleStreamSettings | undefined {
  if (!own) return undefined;
  const d = DEFAULT_SINGLE_STREAM;
  const settings: SingleStreamSettings =
    own === true
      ? d
      : {
          ...d,
          alarmProbability: own.alarmProbability ?? d.alarmProbability,
          suppressRows: own.suppressReadings ?? d.suppressRows,
        };
  checkForModel(model, `properties.${property}.anomaly.`, () =>
    checkSingleStreamSettings(settings),
  );
  return settings;
}
