import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ModelCatalog, NewEvent } from '@twinlog/domain';
import type { EventLog, RecordedEvent } from '@twinlog/event-log';
import {
  CLOCK,
  EVENT_LOG,
  MODEL_CATALOG,
  TwinTelemetryConsumer,
  type Clock,
  type TwinReadings,
} from '@twinlog/service-kit';
import type { MaintenanceConfig } from '../config/maintenance.config';
import { MAINTENANCE_CONFIG } from '../tokens';
import { TwinEventsView } from '../twins/twin-events-view';
import { HealthModels } from './health-models';
import { predictionEvent } from './prediction-event';

export interface WorkerStats {
  readingsSeen: number;
  readingsReplayed: number;
  predictionsAppended: number;
  restores: number;
  unknownTwins: number;
}

/**
 * Feeds each telemetry batch of this worker's partitions to the twins' health models and
 * appends the predictions that came due before the batch is committed (at-least-once; ids
 * derived from the twin and the prediction's event time make a repeat a no-op). Before that,
 * the partition's models are brought exactly up to the batch from the log (StatefulStreamConsumer),
 * so a restart or a takeover predicts what one worker that saw everything would have.
 */
@Injectable()
export class PredictionWorker {
  private readonly logger = new Logger(PredictionWorker.name);
  private readonly consumer: TwinTelemetryConsumer;
  readonly models: HealthModels;
  private readingsReplayed = 0;

  constructor(
    @Inject(EVENT_LOG) log: EventLog,
    @Inject(MODEL_CATALOG) catalog: ModelCatalog,
    @Inject(MAINTENANCE_CONFIG) config: MaintenanceConfig,
    @Inject(CLOCK) private readonly now: Clock,
    private readonly view: TwinEventsView,
  ) {
    this.models = new HealthModels(catalog, {
      checkpointSeconds: config.checkpointSeconds,
      horizonHours: config.horizonHours,
      band: config.band,
    });
    this.consumer = new TwinTelemetryConsumer(log, view.directory, catalog, {
      what: 'health models',
      directoryWaitMs: config.directoryWaitMs,
      logger: this.logger,
      observe: (readings) => this.observe(readings),
      drop: (partition) => this.models.dropPartition(partition),
    });
    // Maintenance and anomalies reach the models of this worker's twins as they are recorded.
    view.onHistory((added) => {
      for (const { twinId, entry } of added) this.models.record(twinId, entry);
    });
  }

  get stats(): WorkerStats {
    return {
      readingsSeen: this.consumer.counts.readingsFed,
      readingsReplayed: this.readingsReplayed,
      unknownTwins: this.consumer.counts.unknownTwins,
      predictionsAppended: this.consumer.stats.appended,
      restores: this.consumer.stats.restores,
    };
  }

  /** The telemetry partitions this worker holds (after the latest rebalance). */
  get partitions(): number[] {
    return this.consumer.partitions;
  }

  assigned(partitions: number[]): void {
    this.consumer.assigned(partitions);
  }

  handle(batch: RecordedEvent[]): Promise<void> {
    return this.consumer.handle(batch);
  }

  private observe({ partition, twin, event, readings, silent }: TwinReadings): NewEvent[] {
    const model = this.models.modelFor(twin, partition, this.view.history.of(twin.twinId));
    if (silent) this.readingsReplayed += event.data.readings.length;
    if (!model) return [];
    model.observe(
      readings.map((r) => ({ property: r.property, value: r.value, at: Date.parse(r.occurredAt) })),
    );
    if (!model.due()) return [];
    const assessment = model.checkpoint();
    if (!assessment || silent) return [];
    return [predictionEvent(assessment, event, this.now())];
  }
}
