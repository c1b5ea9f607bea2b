import {
  monitorSettingsFor,
  TwinAnomalyMonitor,
  type AnomalyChange,
  type MonitoredReading,
} from '@twinlog/analytics';
import type { AnomalyEvidence, Limits, ModelCatalog, TwinModel } from '@twinlog/domain';
import type { SimReading, TwinRegistration } from '@twinlog/plant-sim';

const STATE_NAMES = ['down', 'idle', 'cutting'];

/** An episode a variant's monitors opened, with what the machine was doing then. */
export interface OpenedEpisode {
  twinId: string;
  /** The machine the twin belongs to, or null for the line. */
  machine: string | null;
  detector: string;
  property: string;
  atS: number;
  severity: string;
  evidence: AnomalyEvidence[];
  /** The machine's controller state when it opened, and for how long it had been in it. */
  state: string;
  inStateS: number;
}

/**
 * One monitor per twin, built exactly as the anomaly service builds it (apps/anomaly
 * TwinMonitors: the twin's model limits and monitorSettingsFor(model)), fed one telemetry batch
 * per twin and sample, in event-time order.
 */
export class PlantMonitors {
  readonly opened: OpenedEpisode[] = [];
  private readonly monitors = new Map<string, TwinAnomalyMonitor>();
  private readonly machineOf = new Map<string, string | null>();
  private readonly controller = new Map<string, { state: number; sinceMs: number }>();

  constructor(
    readonly name: string,
    catalog: ModelCatalog,
    registrations: readonly TwinRegistration[],
    private readonly startMs: number,
  ) {
    for (const r of registrations) {
      if (r.twinType === 'machining-process') continue; // derived figures only, never reported
      const model = catalog.get(r.twinType);
      this.monitors.set(
        r.twinId,
        new TwinAnomalyMonitor(r.twinId, limitsOf(model), monitorSettingsFor(model)),
      );
      const machine = r.twinType === 'cnc-milling-machine' ? r.twinId : r.parentId;
      this.machineOf.set(r.twinId, r.twinType === 'production-line' ? null : (machine ?? null));
    }
  }

  /** One sample of the plant: each twin's readings as one batch. */
  observe(readings: readonly SimReading[], atMs: number): void {
    const byTwin = new Map<string, MonitoredReading[]>();
    for (const r of readings) {
      if (r.property === 'machine_state') this.noteState(r.twinId, r.value, atMs);
      let batch = byTwin.get(r.twinId);
      if (!batch) byTwin.set(r.twinId, (batch = []));
      batch.push({ property: r.property, value: r.value, at: atMs, readingId: r.readingId });
    }
    for (const [twinId, batch] of byTwin) {
      const monitor = this.monitors.get(twinId);
      if (!monitor) throw new Error(`no monitor for ${twinId}`);
      for (const change of monitor.observe(batch)) this.record(twinId, change);
    }
  }

  private noteState(machine: string, state: number, atMs: number): void {
    const known = this.controller.get(machine);
    if (!known || known.state !== state) this.controller.set(machine, { state, sinceMs: atMs });
  }

  private record(twinId: string, change: AnomalyChange): void {
    if (change.kind !== 'detected') return;
    const machine = this.machineOf.get(twinId) ?? null;
    const controller = machine ? this.controller.get(machine) : undefined;
    this.opened.push({
      twinId,
      machine,
      detector: change.detector,
      property: change.property,
      atS: (change.at - this.startMs) / 1000,
      severity: change.severity,
      evidence: change.evidence,
      state: controller ? (STATE_NAMES[controller.state] ?? String(controller.state)) : '-',
      inStateS: controller ? (change.at - controller.sinceMs) / 1000 : 0,
    });
  }
}

/** A new twin's limits: its model's (as twin-state registers it). */
function limitsOf(model: TwinModel): Record<string, Limits> {
  return Object.fromEntries(Object.entries(model.properties).map(([p, spec]) => [p, spec.limits]));
}
