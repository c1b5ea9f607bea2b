import type { Severity } from '@twinlog/domain';
import { DEFAULT_BASELINE, type BaselineSettings } from '../detectors/adaptive-baseline.detector';
import {
  DEFAULT_EPISODE_SETTINGS,
  type EpisodeSettings,
  type EpisodeTrackerState,
} from '../episodes/episode-tracker';
import type { MultivariateDetectorState } from '../multivariate/multivariate-detector';
import type { MultivariateSettings } from '../multivariate/multivariate-settings';
import type { OperatingStateDetectorState } from '../multivariate/operating-state-detector';
import type { OperatingStateSettings } from '../multivariate/operating-states';
import type { SingleStreamSettings } from '../single-stream/single-stream-settings';
import type { PropertyVectorState } from './property-vector';
import type { SilenceWatchState } from './silence-watch';

// The monitor's contract: its settings, what it reads, what it reports, and its checkpoint.

/** How one property is watched. */
export interface PropertyMonitorSettings {
  baseline: BaselineSettings;
  /** Seconds without any change after which the sensor is considered stuck (off when undefined). */
  flatlineSeconds?: number;
  /** The fastest physically possible change, units per second (off when undefined). */
  maxRatePerSecond?: number;
  /** Usual reporting intervals of silence, while the twin's other sensors report, that make a sensor missing (off when undefined). */
  missingAfterIntervals?: number;
  /** The single-stream detector's settings (off when undefined). */
  singleStream?: SingleStreamSettings;
}

/** The twin-level multivariate channel: its detector's settings and the vector's properties. */
export interface TwinMultivariateSettings extends MultivariateSettings {
  /** The properties of the vector, in order (two or more). */
  properties: string[];
  /** Declared operating states: each judged against its own normal behaviour (off when absent). */
  operatingStates?: OperatingStateSettings;
}

export interface MonitorSettings {
  /** For every property, unless `properties` says otherwise. */
  defaults: PropertyMonitorSettings;
  properties: Record<string, Partial<PropertyMonitorSettings>>;
  episodes: EpisodeSettings;
  /** Off when absent (the defaults do not know the twin's properties; the model does). */
  multivariate?: TwinMultivariateSettings;
}

export const DEFAULT_MONITOR_SETTINGS: MonitorSettings = {
  defaults: { baseline: DEFAULT_BASELINE, flatlineSeconds: 600, missingAfterIntervals: 5 },
  properties: {},
  episodes: { ...DEFAULT_EPISODE_SETTINGS, minRun: 2 },
};

export type { AnomalyChange, MonitoredReading } from './reading-and-change';

/** The multivariate channel's detector name; its property is the whole twin. */
export const MULTIVARIATE_DETECTOR = 'multivariate';
/** The property of a whole-twin finding. */
export const WHOLE_TWIN = '*';

/** A monitor's state as plain (JSON-safe) data: checkpoint it, restore it, continue exactly. */
export interface MonitorState {
  version: 1;
  channels: Record<
    string,
    {
      detector: string;
      state: unknown;
      tracker: EpisodeTrackerState;
      episodeId: string | null;
      /** The open episode's worst severity so far (absent in checkpoints taken before escalation). */
      severity?: Severity;
    }[]
  >;
  multivariate: {
    /** One detector, or one per operating state (when the settings declare states). */
    detector: MultivariateDetectorState | OperatingStateDetectorState;
    vector: PropertyVectorState;
    episodeId: string | null;
    /** The open episode's worst severity so far (absent in checkpoints taken before escalation). */
    severity?: Severity;
    /** The state property's newest value, when it is not in the vector (operating states only). */
    told?: { value: number | null; at: number | null };
  } | null;
  /** Missing sensors (absent in checkpoints taken before the watch existed). */
  silence?: { state: SilenceWatchState; twinNow: number };
  /** The state property's newest value (with declared operating states only). */
  operatingState?: { value: number | null; at: number | null };
}
