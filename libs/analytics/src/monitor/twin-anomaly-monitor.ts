import { ownValue, type Limits } from '@twinlog/domain';
import {
  DEFAULT_MONITOR_SETTINGS,
  type AnomalyChange,
  type MonitoredReading,
  type MonitorSettings,
  type MonitorState,
} from './monitor-types';
import { MultivariateChannel } from './multivariate-channel';
import { OperatingStateWatch } from './operating-state-watch';
import { PropertyChannels } from './property-channels';
import { SilenceWatch } from './silence-watch';

export * from './monitor-types';

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
  private readonly properties: PropertyChannels;
  private readonly multivariate: MultivariateChannel | null;
  private readonly silence: SilenceWatch;
  private readonly operatingState: OperatingStateWatch;

  constructor(
    private readonly twinId: string,
    limits: Record<string, Limits>,
    settings: MonitorSettings = DEFAULT_MONITOR_SETTINGS,
  ) {
    this.properties = new PropertyChannels(twinId, limits, settings);
    this.multivariate = MultivariateChannel.of(settings);
    this.operatingState = new OperatingStateWatch(settings.multivariate?.operatingStates);
    this.silence = new SilenceWatch(
      twinId,
      (property) =>
        ({ ...settings.defaults, ...ownValue(settings.properties, property) })
          .missingAfterIntervals,
    );
  }

  observe(readings: MonitoredReading[]): AnomalyChange[] {
    const changes = this.properties.observe(readings, this.operatingState.stillAfter(readings));
    if (this.multivariate) changes.push(...this.multivariate.observe(this.twinId, readings));
    changes.push(...this.silence.observe(readings));
    return changes;
  }

  /** The monitor's whole state, for a checkpoint. */
  snapshot(): MonitorState {
    return {
      version: 1,
      channels: this.properties.snapshot(),
      multivariate: this.multivariate ? this.multivariate.snapshot() : null,
      silence: { state: this.silence.snapshot(), twinNow: this.silence.now },
      ...(this.multivariate?.byState ? { operatingState: this.operatingState.snapshot() } : {}),
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
    monitor.properties.restore(state.channels);
    const mv = monitor.multivariate;
    if (Boolean(mv) !== Boolean(state.multivariate))
      throw new Error('the checkpoint and the settings disagree on the multivariate channel');
    if (mv && state.multivariate) mv.restore(settings, state.multivariate);
    if (state.silence) monitor.silence.restore(state.silence.state, state.silence.twinNow);
    if (state.operatingState) monitor.operatingState.restore(state.operatingState);
    return monitor;
  }

  /**
   * New limits for the twin (a limits or model version change): from the next reading the
   * limits detectors judge by them. An open limits episode carries on and closes once readings
   * are back within the new bands; learned baselines are kept.
   */
  setLimits(limits: Record<string, Limits>): void {
    this.properties.setLimits(limits);
  }
}
