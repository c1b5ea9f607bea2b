import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  physicallyPossible,
  type EventEnvelope,
  type ModelCatalog,
  type NewEvent,
} from '@twinlog/domain';
import type { EventLog, RecordedEvent, StatefulStreamConsumer } from '@twinlog/event-log';
import {
  CLOCK,
  EVENT_LOG,
  MODEL_CATALOG,
  telemetryStateConsumer,
  type Clock,
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
  private readonly consumer: StatefulStreamConsumer;
  readonly models: HealthModels;
  private readonly counts = { readingsSeen: 0, readingsReplayed: 0, unknownTwins: 0 };

  constructor(
    @Inject(EVENT_LOG) log: EventLog,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(MAINTENANCE_CONFIG) private readonly config: MaintenanceConfig,
    @Inject(CLOCK) private readonly now: Clock,
    private readonly view: TwinEventsView,
  ) {
    this.models = new HealthModels(catalog, {
      checkpointSeconds: config.checkpointSeconds,
      horizonHours: config.horizonHours,
    });
    this.consumer = telemetryStateConsumer(
      log,
      {
        feed: (partition, event, silent) => this.observe(partition, event, silent),
        drop: (partition) => this.models.dropPartition(partition),
      },
      this.logger,
      'health models',
    );
    // Maintenance and anomalies reach the models of this worker's twins as they are recorded.
    view.onHistory((added) => {
      for (const { twinId, entry } of added) this.models.record(twinId, entry);
    });
  }

  get stats(): WorkerStats {
    return {
      ...this.counts,
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

  async handle(batch: RecordedEvent[]): Promise<void> {
    const fed = await this.consumer.handle(batch);
    // Counted once the predictions are appended, so a reader of the counters sees them in the log.
    for (const { event } of fed)
      if (event.type === 'TelemetryReported' && this.view.directory.get(event.twinId))
        this.counts.readingsSeen += event.data.readings.length;
  }

  private async observe(
    partition: number,
    event: EventEnvelope,
    silent: boolean,
  ): Promise<NewEvent[]> {
    if (event.type !== 'TelemetryReported') return [];
    const twin = await this.view.directory.waitFor(event.twinId, this.config.directoryWaitMs);
    if (!twin || twin.status === 'unregistered') {
      this.counts.unknownTwins += 1;
      if (!silent)
        this.logger.warn(`telemetry for unknown twin ${event.twinId} (event ${event.id}) not used`);
      return [];
    }
    const model = this.models.modelFor(twin, partition, this.view.history.of(twin.twinId));
    if (silent) this.counts.readingsReplayed += event.data.readings.length;
    if (!model) return [];
    model.observe(
      physicallyPossible(event.data.readings, twin, this.catalog).map((r) => ({
        property: r.property,
        value: r.value,
        at: Date.parse(r.occurredAt),
      })),
    );
    if (!model.due()) return [];
    const assessment = model.checkpoint();
    if (!assessment || silent) return [];
    return [predictionEvent(assessment, event, this.now())];
  }
}
