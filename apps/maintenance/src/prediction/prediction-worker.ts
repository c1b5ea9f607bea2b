import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EventEnvelope, ModelCatalog, NewEvent } from '@twinlog/domain';
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
  /** Telemetry batches being handled (a partition may be mid-rebuild): late predictions wait. */
  private handling = 0;
  /** Twins that took in an anomaly opening or clearing since the last batch, with its event. */
  private readonly noticed = new Map<string, EventEnvelope>();
  private appendedLate = 0;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
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
      for (const { twinId, entry, event } of added) {
        this.models.record(twinId, entry);
        if (entry.kind !== 'maintained' && this.models.get(twinId)) this.noticed.set(twinId, event);
      }
      if (this.handling === 0) void this.predictNoticed();
    });
  }

  get stats(): WorkerStats {
    return {
      readingsSeen: this.consumer.counts.readingsFed,
      readingsReplayed: this.readingsReplayed,
      unknownTwins: this.consumer.counts.unknownTwins,
      predictionsAppended: this.consumer.stats.appended + this.appendedLate,
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
    this.handling += 1;
    try {
      await this.consumer.handle(batch);
    } finally {
      this.handling -= 1;
    }
    if (this.handling === 0) await this.predictNoticed();
  }

  /**
   * An anomaly that arrived after the readings of its time would wait for the twin's next
   * reading, which may be long in coming (a stopped machine, a lagging stream): its prediction
   * is made now, as of the newest reading. One that arrived earlier made a prediction due when
   * the readings reached it, and a batch took it (nothing is due here then).
   */
  private async predictNoticed(): Promise<void> {
    const events: NewEvent[] = [];
    for (const [twinId, cause] of this.noticed) {
      const model = this.models.get(twinId);
      const assessment = model?.due() ? model.checkpoint() : undefined;
      if (assessment) events.push(predictionEvent(assessment, cause, this.now()));
    }
    this.noticed.clear();
    if (events.length === 0) return;
    try {
      this.appendedLate += (await this.log.append(events)).appended.length;
    } catch (error) {
      // Not retried: the next checkpoint interval of the twin's readings brings a fresh one.
      this.logger.warn(`predictions after late anomalies not appended: ${String(error)}`);
    }
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
