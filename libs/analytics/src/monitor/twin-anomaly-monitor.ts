import type { AnomalyEvidence, Limits, Severity } from '@twinlog/domain';
import {
  AdaptiveBaselineDetector,
  DEFAULT_BASELINE,
  type BaselineSettings,
} from '../detectors/adaptive-baseline.detector';
import type { Finding, PropertyDetector } from '../detectors/detector';
import { FlatlineDetector } from '../detectors/flatline.detector';
import { LimitsDetector } from '../detectors/limits.detector';
import { RateOfChangeDetector } from '../detectors/rate-of-change.detector';
import {
  DEFAULT_EPISODE_SETTINGS,
  EpisodeTracker,
  type EpisodeSettings,
} from '../episodes/episode-tracker';

/** How one property is watched. */
export interface PropertyMonitorSettings {
  baseline: BaselineSettings;
  /** Seconds without any change after which the sensor is considered stuck (off when undefined). */
  flatlineSeconds?: number;
  /** The fastest physically possible change, units per second (off when undefined). */
  maxRatePerSecond?: number;
}

export interface MonitorSettings {
  /** For every property, unless `properties` says otherwise. */
  defaults: PropertyMonitorSettings;
  properties: Record<string, Partial<PropertyMonitorSettings>>;
  episodes: EpisodeSettings;
}

export const DEFAULT_MONITOR_SETTINGS: MonitorSettings = {
  defaults: { baseline: DEFAULT_BASELINE, flatlineSeconds: 600 },
  properties: {},
  episodes: { ...DEFAULT_EPISODE_SETTINGS, minRun: 2 },
};

export interface MonitoredReading {
  property: string;
  value: number;
  /** Event time, epoch ms. */
  at: number;
  readingId: string;
}

export type AnomalyChange =
  | {
      kind: 'detected';
      /** Deterministic: the same input always opens the same episode (replays and takeovers dedupe). */
      episodeId: string;
      detector: string;
      property: string;
      score: number;
      severity: Severity;
      evidence: AnomalyEvidence[];
      at: number;
    }
  | { kind: 'cleared'; episodeId: string; detector: string; property: string; at: number };

/** Detectors whose single reading is evidence enough (no smoothing or persistence). */
const IMMEDIATE = new Set(['limits', 'rate-of-change']);

interface Channel {
  detector: PropertyDetector;
  tracker: EpisodeTracker;
  episodeId: string | null;
}

/**
 * All of one twin's per-property detectors, with hysteresis per detector and property: one
 * `detected` when an episode opens, one `cleared` when it ends. Readings must come in event
 * time order per property (late ones are judged by what they can be compared with).
 */
export class TwinAnomalyMonitor {
  private readonly channels = new Map<string, Channel[]>();

  constructor(
    private readonly twinId: string,
    private readonly limits: Record<string, Limits>,
    private readonly settings: MonitorSettings = DEFAULT_MONITOR_SETTINGS,
  ) {}

  observe(readings: MonitoredReading[]): AnomalyChange[] {
    const changes: AnomalyChange[] = [];
    for (const reading of readings) {
      for (const channel of this.channelsOf(reading.property)) {
        const finding = channel.detector.observe({ value: reading.value, at: reading.at });
        const change = channel.tracker.next(finding.score);
        if (change === 'opened') {
          channel.episodeId = `${this.twinId}:${reading.property}:${channel.detector.name}:${reading.readingId}`;
          changes.push({
            kind: 'detected',
            episodeId: channel.episodeId,
            detector: channel.detector.name,
            property: reading.property,
            score: Math.max(finding.score, channel.tracker.score),
            // The reading that opened the episode says how bad it is, not the smoothed score.
            severity: severityOf(Math.max(finding.score, channel.tracker.score)),
            evidence: [evidence(reading, finding)],
            at: reading.at,
          });
        } else if (change === 'closed' && channel.episodeId) {
          changes.push({
            kind: 'cleared',
            episodeId: channel.episodeId,
            detector: channel.detector.name,
            property: reading.property,
            at: reading.at,
          });
          channel.episodeId = null;
        }
      }
    }
    return changes;
  }

  private channelsOf(property: string): Channel[] {
    let channels = this.channels.get(property);
    if (!channels) {
      const own = { ...this.settings.defaults, ...this.settings.properties[property] };
      const detectors: PropertyDetector[] = [new AdaptiveBaselineDetector(own.baseline)];
      const limits = this.limits[property];
      if (limits && Object.keys(limits).length > 0) detectors.push(new LimitsDetector(limits));
      if (own.maxRatePerSecond !== undefined) {
        detectors.push(new RateOfChangeDetector(own.maxRatePerSecond));
      }
      if (own.flatlineSeconds !== undefined)
        detectors.push(new FlatlineDetector(own.flatlineSeconds));
      channels = detectors.map((detector) => ({
        detector,
        // A limit crossing or an impossible jump is a fact, not a trend: it opens at once; it
        // closes only after several readings back in range, so chatter is one episode.
        tracker: new EpisodeTracker(
          IMMEDIATE.has(detector.name)
            ? { ...this.settings.episodes, smoothing: 1, minRun: 1, minRunToClose: 5 }
            : this.settings.episodes,
        ),
        episodeId: null,
      }));
      this.channels.set(property, channels);
    }
    return channels;
  }
}

function severityOf(score: number): Severity {
  if (score >= 0.9) return 'critical';
  if (score >= 0.75) return 'alarm';
  if (score >= 0.5) return 'warning';
  return 'info';
}

function evidence(reading: MonitoredReading, finding: Finding): AnomalyEvidence {
  return {
    property: reading.property,
    observed: reading.value,
    ...(finding.expected !== undefined ? { expected: finding.expected } : {}),
    ...(finding.expectedLow !== undefined ? { expectedLow: finding.expectedLow } : {}),
    ...(finding.expectedHigh !== undefined ? { expectedHigh: finding.expectedHigh } : {}),
  };
}
