import {
  ComponentHealthModel,
  DEFAULT_COMPONENT_HEALTH,
  type BandCalibration,
  type ComponentHealthSettings,
} from '@twinlog/analytics';
import type { ModelCatalog, TwinModel, TwinState } from '@twinlog/domain';
import type { HistoryEntry } from '../twins/component-history';

/**
 * The health models of the twins in this worker's telemetry partitions, created on a twin's
 * first reading from its limits and its model's maintenance block, and seeded with its
 * maintenance and anomaly history.
 */
export class HealthModels {
  private readonly models = new Map<
    string,
    { model: ComponentHealthModel; partition: number; limits: unknown }
  >();
  private readonly settings: ComponentHealthSettings;

  constructor(
    private readonly catalog: ModelCatalog,
    settings: { checkpointSeconds: number; horizonHours: number; band?: BandCalibration },
  ) {
    this.settings = {
      ...DEFAULT_COMPONENT_HEALTH,
      ...settings,
      band: settings.band ?? DEFAULT_COMPONENT_HEALTH.band,
    };
  }

  get size(): number {
    return this.models.size;
  }

  /** The twin's model (undefined when nothing of it can tell its health); follows limit changes. */
  modelFor(
    twin: TwinState,
    partition: number,
    history: readonly HistoryEntry[],
  ): ComponentHealthModel | undefined {
    const known = this.models.get(twin.twinId);
    const twinModel = this.catalog.has(twin.twinType, twin.modelVersion)
      ? this.catalog.get(twin.twinType, twin.modelVersion)
      : undefined;
    if (!hasHealthBasis(twin, twinModel)) return undefined;
    const spec = twinModel?.maintenance;
    if (known) {
      if (known.limits !== twin.limits) {
        known.model.reconfigure(twin.limits, spec);
        known.limits = twin.limits;
      }
      return known.model.judged ? known.model : undefined;
    }
    const model = new ComponentHealthModel(twin.twinId, twin.limits, spec, this.settings);
    for (const entry of history) feed(model, entry);
    this.models.set(twin.twinId, { model, partition, limits: twin.limits });
    return model.judged ? model : undefined;
  }

  /** A twin-event for a twin whose model is here. */
  record(twinId: string, entry: HistoryEntry): void {
    const known = this.models.get(twinId);
    if (known) feed(known.model, entry);
  }

  get(twinId: string): ComponentHealthModel | undefined {
    return this.models.get(twinId)?.model;
  }

  dropPartition(partition: number): void {
    for (const [twinId, { partition: p }] of this.models)
      if (p === partition) this.models.delete(twinId);
  }
}

/**
 * A process is no machine to maintain: its figures (OEE, throughput) falling says the line
 * stopped, not that something wears out. Nor is a twin whose model measures nothing (every
 * property derived): there is no wear to read.
 */
function hasHealthBasis(twin: TwinState, model: TwinModel | undefined): boolean {
  if (twin.level === 'process' || model?.level === 'process') return false;
  if (!model) return true;
  return Object.values(model.properties).some((p) => p.derived === undefined);
}

function feed(model: ComponentHealthModel, entry: HistoryEntry): void {
  switch (entry.kind) {
    case 'maintained':
      model.maintained({ kind: entry.maintenance, at: entry.at, resets: entry.resets });
      return;
    case 'anomaly-detected':
      model.anomalyDetected(entry.episodeId, entry.severity, entry.at, {
        detector: entry.detector,
        properties: entry.properties,
      });
      return;
    case 'anomaly-escalated':
      model.anomalyEscalated(entry.episodeId, entry.severity, entry.at);
      return;
    case 'anomaly-cleared':
      model.anomalyCleared(entry.episodeId, entry.at);
      return;
  }
}
