import {
  ownValue,
  setOwn,
  severityAtLeast,
  type AnomalyEvidence,
  type Limits,
  type Severity,
} from '@twinlog/domain';
import { AdaptiveBaselineDetector } from '../detectors/adaptive-baseline.detector';
import type { Finding, PropertyDetector } from '../detectors/detector';
import { FlatlineDetector } from '../detectors/flatline.detector';
import { LimitsDetector } from '../detectors/limits.detector';
import { RateOfChangeDetector } from '../detectors/rate-of-change.detector';
import { EpisodeTracker, type EpisodeSettings } from '../episodes/episode-tracker';
import { SingleStreamDetector } from '../single-stream/single-stream-detector';
import { SINGLE_STREAM_EPISODES } from '../single-stream/single-stream-episodes';
import type {
  AnomalyChange,
  MonitoredReading,
  MonitorSettings,
  MonitorState,
} from './monitor-types';
import { severityOf } from './severity-of-score';

/** Detectors whose single reading is evidence enough (no smoothing or persistence). */
const IMMEDIATE = new Set(['limits', 'rate-of-change']);

interface Channel {
  detector: PropertyDetector;
  tracker: EpisodeTracker;
  episodeId: string | null;
  /** The open episode's worst severity so far (null while none is open). */
  severity: Severity | null;
}

/**
 * A twin's detectors per property (an adaptive baseline, limits, rate of change, flatline, as
 * the settings and limits give them), each with its own episode hysteresis: one `detected`
 * when an episode opens, one `escalated` each time its severity rises, one `cleared` when it
 * ends. A property's channels start with its first reading.
 */
export class PropertyChannels {
  private readonly channels = new Map<string, Channel[]>();

  constructor(
    private readonly twinId: string,
    private limits: Record<string, Limits>,
    private readonly settings: MonitorSettings,
  ) {}

  /** `still`: properties holding still by nature in the twin's operating state (no stuck-sensor check). */
  observe(readings: MonitoredReading[], still: ReadonlySet<string> = new Set()): AnomalyChange[] {
    const changes: AnomalyChange[] = [];
    for (const reading of readings) {
      const resting = still.has(reading.property);
      for (const channel of this.channelsOf(reading.property)) {
        if (resting && channel.detector.name === 'flatline') continue;
        const finding = channel.detector.observe({ value: reading.value, at: reading.at });
        const change = channel.tracker.next(finding.score);
        if (change === 'opened') {
          channel.episodeId = `${this.twinId}:${reading.property}:${channel.detector.name}:${reading.readingId}`;
          // The reading that opened the episode says how bad it is, not the smoothed score.
          const score = Math.max(finding.score, channel.tracker.score);
          channel.severity = severityOf(score);
          changes.push({
            kind: 'detected',
            episodeId: channel.episodeId,
            detector: channel.detector.name,
            property: reading.property,
            score,
            severity: channel.severity,
            evidence: [evidence(reading, finding)],
            at: reading.at,
          });
        } else if (change === null && channel.episodeId) {
          const escalated = escalation(channel, reading, finding);
          if (escalated) changes.push(escalated);
        } else if (change === 'closed' && channel.episodeId) {
          changes.push({
            kind: 'cleared',
            episodeId: channel.episodeId,
            detector: channel.detector.name,
            property: reading.property,
            at: reading.at,
          });
          channel.episodeId = null;
          channel.severity = null;
        }
      }
    }
    return changes;
  }

  /** New limits: see TwinAnomalyMonitor.setLimits. */
  setLimits(limits: Record<string, Limits>): void {
    this.limits = limits;
    for (const [property, channels] of this.channels) {
      const next = ownValue(limits, property);
      const i = channels.findIndex((c) => c.detector.name === 'limits');
      if (i >= 0) channels[i]!.detector = new LimitsDetector(next ?? {});
      else if (next && Object.keys(next).length > 0) {
        // Where a fresh monitor would have it: right after the baseline, if any.
        const at = channels[0]?.detector.name === 'baseline' ? 1 : 0;
        channels.splice(at, 0, this.channel(new LimitsDetector(next)));
      }
    }
  }

  snapshot(): MonitorState['channels'] {
    const channels: MonitorState['channels'] = {};
    for (const [property, list] of this.channels) {
      setOwn(
        channels,
        property,
        list.map((c) => ({
          detector: c.detector.name,
          state: structuredClone(c.detector.snapshot()),
          tracker: c.tracker.snapshot(),
          episodeId: c.episodeId,
          ...(c.severity ? { severity: c.severity } : {}),
        })),
      );
    }
    return channels;
  }

  /** Continues from a checkpoint; a property whose detectors differ from the settings' is refused. */
  restore(state: MonitorState['channels']): void {
    for (const [property, saved] of Object.entries(state)) {
      const channels = this.channelsOf(property);
      if (channels.map((c) => c.detector.name).join() !== saved.map((s) => s.detector).join())
        throw new Error(`the checkpoint's detectors of ${property} differ from the settings'`);
      channels.forEach((channel, i) => {
        channel.detector.restore(structuredClone(saved[i]!.state));
        channel.tracker.restore(saved[i]!.tracker);
        channel.episodeId = saved[i]!.episodeId;
        channel.severity = channel.episodeId
          ? (saved[i]!.severity ?? this.severityNow(channel))
          : null;
      });
    }
  }

  /**
   * An open episode's severity for a checkpoint taken before severities were kept: what its
   * score says now, at least what opening takes (lower would only be raised back to it).
   */
  private severityNow(channel: Channel): Severity {
    const open = episodesOf(channel.detector, this.settings).open;
    return severityOf(Math.max(channel.tracker.score, open));
  }

  private channel(detector: PropertyDetector): Channel {
    return {
      detector,
      tracker: new EpisodeTracker(episodesOf(detector, this.settings)),
      episodeId: null,
      severity: null,
    };
  }

  private channelsOf(property: string): Channel[] {
    let channels = this.channels.get(property);
    if (!channels) {
      const own = { ...this.settings.defaults, ...ownValue(this.settings.properties, property) };
      // A threshold of 0 switches the baseline off (a property with several normal levels).
      const detectors: PropertyDetector[] =
        own.baseline.threshold > 0 ? [new AdaptiveBaselineDetector(own.baseline)] : [];
      const limits = ownValue(this.limits, property);
      if (limits && Object.keys(limits).length > 0) detectors.push(new LimitsDetector(limits));
      if (own.maxRatePerSecond !== undefined) {
        detectors.push(new RateOfChangeDetector(own.maxRatePerSecond));
      }
      if (own.flatlineSeconds !== undefined)
        detectors.push(new FlatlineDetector(own.flatlineSeconds));
      if (own.singleStream) detectors.push(new SingleStreamDetector(own.singleStream));
      channels = detectors.map((detector) => this.channel(detector));
      this.channels.set(property, channels);
    }
    return channels;
  }
}

/**
 * A channel's episode hysteresis. A limit crossing or an impossible jump is a fact, not a
 * trend: it opens at once; it closes only after several readings back in range, so chatter is
 * one episode.
 */
function episodesOf(detector: PropertyDetector, settings: MonitorSettings): EpisodeSettings {
  if (IMMEDIATE.has(detector.name))
    return { ...settings.episodes, smoothing: 1, minRun: 1, minRunToClose: 5 };
  // The single-stream score is already an alarm decision.
  if (detector instanceof SingleStreamDetector) return SINGLE_STREAM_EPISODES;
  return settings.episodes;
}

/**
 * The most a detector's episode is raised to. A stuck sensor says the machine is no longer
 * watched, not that it is failing: alarm at most, never a critical page at night.
 */
const CEILING: Readonly<Record<string, Severity>> = { flatline: 'alarm' };

/**
 * An open episode whose severity rises with this reading, or null. Limits and rate of change
 * are judged by the reading itself (a band entered is a fact); the others by the smoothed
 * score, so one noisy reading does not page critical. Never lower: the worst so far stands.
 */
function escalation(
  channel: Channel,
  reading: MonitoredReading,
  finding: Finding,
): AnomalyChange | null {
  const score = IMMEDIATE.has(channel.detector.name) ? finding.score : channel.tracker.score;
  const raw = severityOf(score);
  const ceiling = CEILING[channel.detector.name];
  const severity = ceiling && severityAtLeast(raw, ceiling) ? ceiling : raw;
  if (!channel.episodeId || !channel.severity || severityAtLeast(channel.severity, severity))
    return null;
  channel.severity = severity;
  return {
    kind: 'escalated',
    episodeId: channel.episodeId,
    detector: channel.detector.name,
    property: reading.property,
    score,
    severity,
    evidence: [evidence(reading, finding)],
    at: reading.at,
  };
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
