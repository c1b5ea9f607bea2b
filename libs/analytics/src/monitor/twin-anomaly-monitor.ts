import {
  ownValue,
  setOwn,
  type AnomalyEvidence,
  type Limits,
  type Severity,
} from '@twinlog/domain';
import { AdaptiveBaselineDetector } from '../detectors/adaptive-baseline.detector';
import type { Finding, PropertyDetector } from '../detectors/detector';
import { FlatlineDetector } from '../detectors/flatline.detector';
import { LimitsDetector } from '../detectors/limits.detector';
import { RateOfChangeDetector } from '../detectors/rate-of-change.detector';
import { EpisodeTracker } from '../episodes/episode-tracker';
import { MultivariateDetector } from '../multivariate/multivariate-detector';
import {
  DEFAULT_MONITOR_SETTINGS,
  MULTIVARIATE_DETECTOR,
  WHOLE_TWIN,
  type AnomalyChange,
  type MonitoredReading,
  type MonitorSettings,
  type MonitorState,
} from './monitor-types';
import { PropertyVector } from './property-vector';
import { SilenceWatch } from './silence-watch';

export * from './monitor-types';

interface MultivariateChannel {
  detector: MultivariateDetector;
  vector: PropertyVector;
  episodeId: string | null;
}

/** Detectors whose single reading is evidence enough (no smoothing or persistence). */
const IMMEDIATE = new Set(['limits', 'rate-of-change']);

interface Channel {
  detector: PropertyDetector;
  tracker: EpisodeTracker;
  episodeId: string | null;
}

/**
 * All of one twin's detectors, with hysteresis per detector and property: one `detected` when
 * an episode opens, one `cleared` when it ends. Per property: limits, rate of change, flatline
 * and an adaptive baseline. Per twin (when the settings name its vector's properties): the
 * multivariate detector over the property vector, assembled from the latest value of each
 * property per time instant, which learns the twin's normal behaviour from its first vectors.
 * Readings must come in event time order per property (late ones are judged by what they can be
 * compared with). Deterministic: the same readings give the same changes and episode ids.
 */
export class TwinAnomalyMonitor {
  private readonly channels = new Map<string, Channel[]>();
  private multivariate: MultivariateChannel | null;
  private readonly silence: SilenceWatch;

  constructor(
    private readonly twinId: string,
    private limits: Record<string, Limits>,
    private readonly settings: MonitorSettings = DEFAULT_MONITOR_SETTINGS,
  ) {
    const mv = settings.multivariate;
    this.multivariate =
      mv && mv.properties.length >= 2
        ? {
            detector: new MultivariateDetector(mv.properties.length, mv),
            vector: new PropertyVector(mv.properties),
            episodeId: null,
          }
        : null;
    this.silence = new SilenceWatch(
      twinId,
      (property) =>
        ({ ...settings.defaults, ...ownValue(settings.properties, property) })
          .missingAfterIntervals,
    );
  }

  observe(readings: MonitoredReading[]): AnomalyChange[] {
    const changes = this.observeProperties(readings);
    if (this.multivariate) changes.push(...this.observeVector(readings, this.multivariate));
    changes.push(...this.silence.observe(readings));
    return changes;
  }

  /** The monitor's whole state, for a checkpoint. */
  snapshot(): MonitorState {
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
        })),
      );
    }
    const mv = this.multivariate;
    return {
      version: 1,
      channels,
      multivariate: mv
        ? {
            detector: mv.detector.snapshot(),
            vector: mv.vector.snapshot(),
            episodeId: mv.episodeId,
          }
        : null,
      silence: { state: this.silence.snapshot(), twinNow: this.silence.now },
    };
  }

  /**
   * A monitor that continues from a checkpoint exactly as the one that took it would have, given
   * the same twin, limits and settings (a snapshot of other settings is refused).
   */
  static restore(
    twinId: string,
    limits: Record<string, Limits>,
    settings: MonitorSettings,
    state: MonitorState,
  ): TwinAnomalyMonitor {
    const monitor = new TwinAnomalyMonitor(twinId, limits, settings);
    if (state.version !== 1) throw new Error(`unknown monitor state version ${state.version}`);
    for (const [property, saved] of Object.entries(state.channels)) {
      const channels = monitor.channelsOf(property);
      if (channels.map((c) => c.detector.name).join() !== saved.map((s) => s.detector).join())
        throw new Error(`the checkpoint's detectors of ${property} differ from the settings'`);
      channels.forEach((channel, i) => {
        channel.detector.restore(structuredClone(saved[i]!.state));
        channel.tracker.restore(saved[i]!.tracker);
        channel.episodeId = saved[i]!.episodeId;
      });
    }
    const mv = monitor.multivariate;
    if (Boolean(mv) !== Boolean(state.multivariate))
      throw new Error('the checkpoint and the settings disagree on the multivariate channel');
    if (mv && state.multivariate) {
      const properties = settings.multivariate!.properties;
      if (state.multivariate.vector.values.length !== properties.length)
        throw new Error('the checkpoint and the settings disagree on the multivariate properties');
      mv.detector = MultivariateDetector.restore(
        state.multivariate.detector,
        settings.multivariate,
      );
      mv.vector = PropertyVector.restore(properties, state.multivariate.vector);
      mv.episodeId = state.multivariate.episodeId;
    }
    if (state.silence) monitor.silence.restore(state.silence.state, state.silence.twinNow);
    return monitor;
  }

  private observeVector(
    readings: MonitoredReading[],
    channel: MultivariateChannel,
  ): AnomalyChange[] {
    const changes: AnomalyChange[] = [];
    const properties = channel.vector.properties;
    for (const vector of channel.vector.take(readings)) {
      const verdict = channel.detector.observe(vector.values);
      if (verdict.change === 'opened') {
        channel.episodeId = `${this.twinId}:${WHOLE_TWIN}:${MULTIVARIATE_DETECTOR}:${vector.readingId}`;
        changes.push({
          kind: 'detected',
          episodeId: channel.episodeId,
          detector: MULTIVARIATE_DETECTOR,
          property: WHOLE_TWIN,
          score: verdict.score,
          severity: severityOf(verdict.score),
          // The properties that carry the distance, with their recent level and the expected one.
          evidence: channel.detector.contributors(3).map((c) => ({
            property: properties[c.index]!,
            observed: c.observed,
            expected: c.expected,
          })),
          at: vector.at,
        });
      } else if (verdict.change === 'closed' && channel.episodeId) {
        changes.push({
          kind: 'cleared',
          episodeId: channel.episodeId,
          detector: MULTIVARIATE_DETECTOR,
          property: WHOLE_TWIN,
          at: vector.at,
        });
        channel.episodeId = null;
      }
    }
    return changes;
  }

  private observeProperties(readings: MonitoredReading[]): AnomalyChange[] {
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

  /**
   * New limits for the twin (a limits or model version change): from the next reading the
   * limits detectors judge by them. An open limits episode carries on and closes once readings
   * are back within the new bands; learned baselines are kept.
   */
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

  private channel(detector: PropertyDetector): Channel {
    return {
      detector,
      // A limit crossing or an impossible jump is a fact, not a trend: it opens at once; it
      // closes only after several readings back in range, so chatter is one episode.
      tracker: new EpisodeTracker(
        IMMEDIATE.has(detector.name)
          ? { ...this.settings.episodes, smoothing: 1, minRun: 1, minRunToClose: 5 }
          : this.settings.episodes,
      ),
      episodeId: null,
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
      channels = detectors.map((detector) => this.channel(detector));
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
