import {
  monitorSettingsFor,
  TwinAnomalyMonitor,
  type AnomalyChange,
  type MonitoredReading,
} from '@twinlog/analytics';
import type { ModelCatalog, TwinState } from '@twinlog/domain';

/**
 * The detector state of every twin this worker judges, grouped by the telemetry partition the
 * twin's readings arrive on, so that a partition's state can be dropped and rebuilt as a whole.
 */
export class TwinMonitors {
  private readonly monitors = new Map<string, TwinAnomalyMonitor>();
  private readonly twinsOf = new Map<number, Set<string>>();
  /** The limits each monitor judges by, to notice a change in the twin directory. */
  private readonly limitsOf = new Map<string, TwinState['limits']>();

  constructor(private readonly catalog: ModelCatalog) {}

  /** Feeds a twin's readings (one telemetry event's) to its detectors; returns what changed. */
  observe(partition: number, twin: TwinState, readings: MonitoredReading[]): AnomalyChange[] {
    return this.monitorOf(partition, twin).observe(readings);
  }

  dropPartition(partition: number): void {
    for (const twinId of this.twinsOf.get(partition) ?? []) {
      this.monitors.delete(twinId);
      this.limitsOf.delete(twinId);
    }
    this.twinsOf.delete(partition);
  }

  get twins(): number {
    return this.monitors.size;
  }

  private monitorOf(partition: number, twin: TwinState): TwinAnomalyMonitor {
    let monitor = this.monitors.get(twin.twinId);
    if (monitor && this.limitsOf.get(twin.twinId) !== twin.limits) {
      // Changed limits (a LimitsChanged or a new model version) apply from this reading on.
      monitor.setLimits(twin.limits);
      this.limitsOf.set(twin.twinId, twin.limits);
    }
    if (!monitor) {
      // Detector settings from the model version the twin had when its detectors were first
      // built (limits follow changes: see above); other setting changes apply when the
      // partition's state is next rebuilt.
      const settings = this.catalog.has(twin.twinType, twin.modelVersion)
        ? monitorSettingsFor(this.catalog.get(twin.twinType, twin.modelVersion))
        : undefined;
      monitor = new TwinAnomalyMonitor(twin.twinId, twin.limits, settings);
      this.monitors.set(twin.twinId, monitor);
      this.limitsOf.set(twin.twinId, twin.limits);
      let twins = this.twinsOf.get(partition);
      if (!twins) this.twinsOf.set(partition, (twins = new Set()));
      twins.add(twin.twinId);
    }
    return monitor;
  }
}
