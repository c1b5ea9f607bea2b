import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EventEnvelope, NewEvent } from '@twinlog/domain';
import type { Infrastructure } from '@twinlog/service-kit';
import type { MaintenanceConfig } from '../config/maintenance.config';
import { CLOCK, INFRASTRUCTURE, MAINTENANCE_CONFIG } from '../tokens';
import { TwinEventsView } from '../twins/twin-events-view';
import { HealthModels } from './health-models';
import { PartitionProgress, type RecordedEvent } from '@twinlog/event-log';
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
 * the partition's models are brought exactly up to the batch from the log (PartitionProgress),
 * so a restart or a takeover predicts what one worker that saw everything would have.
 */
@Injectable()
export class PredictionWorker {
  private readonly logger = new Logger(PredictionWorker.name);
  private readonly progress = new PartitionProgress();
  readonly models: HealthModels;
  readonly stats: WorkerStats = {
    readingsSeen: 0,
    readingsReplayed: 0,
    predictionsAppended: 0,
    restores: 0,
    unknownTwins: 0,
  };

  constructor(
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    @Inject(MAINTENANCE_CONFIG) private readonly config: MaintenanceConfig,
    @Inject(CLOCK) private readonly now: () => string,
    private readonly view: TwinEventsView,
  ) {
    this.models = new HealthModels(infra.catalog, {
      checkpointSeconds: config.checkpointSeconds,
      horizonHours: config.horizonHours,
    });
    // Maintenance and anomalies reach the models of this worker's twins as they are recorded.
    view.onHistory((added) => {
      for (const { twinId, entry } of added) this.models.record(twinId, entry);
    });
  }

  get partitions(): number[] {
    return this.progress.partitions;
  }

  async handle(batch: RecordedEvent[]): Promise<void> {
    const predictions: NewEvent[] = [];
    const partitions = groupByPartition(batch);
    try {
      for (const [partition, records] of partitions) {
        const fresh = await this.prepare(partition, records);
        for (const record of fresh)
          predictions.push(...(await this.observe(partition, record.event)));
      }
      if (predictions.length > 0) {
        const { appended } = await this.infra.log.append(predictions);
        this.stats.predictionsAppended += appended.length;
      }
    } catch (error) {
      // The models have seen readings whose predictions are not in the log: rebuild them from
      // the log when the batch is redelivered rather than see those readings twice.
      for (const partition of partitions.keys()) this.forget(partition);
      throw error;
    }
    for (const [partition, records] of partitions)
      this.progress.advance(partition, records[records.length - 1]!.position.offset + 1);
  }

  /** Brings the partition's models up to the batch; returns the records still to handle. */
  private async prepare(partition: number, records: RecordedEvent[]): Promise<RecordedEvent[]> {
    const plan = this.progress.plan(partition, records[0]!.position.offset);
    switch (plan.kind) {
      case 'in-step':
        return records;
      case 'skip':
        return records.filter((r) => r.position.offset >= plan.below);
      case 'restore':
        this.forget(partition);
        await this.replay(partition, 0, plan.upTo);
        return records;
      case 'catch-up':
        await this.replay(partition, plan.from, plan.upTo);
        return records;
    }
  }

  /** Feeds [from, upTo) of the partition to the models without predicting: that is done already. */
  private async replay(partition: number, from: number, upTo: number): Promise<void> {
    if (upTo <= from) return;
    const started = Date.now();
    const before = this.stats.readingsReplayed;
    await this.infra.log.replay(
      {
        streams: ['telemetry'],
        partitions: [partition],
        // From the beginning rather than offset 0: retention may have deleted the oldest offsets.
        from:
          from === 0
            ? { kind: 'beginning' }
            : { kind: 'positions', positions: [{ stream: 'telemetry', partition, offset: from }] },
        endAt: [{ stream: 'telemetry', partition, offset: upTo }],
        maxBatchSize: 5_000,
      },
      async (replayed) => {
        for (const { event } of replayed) await this.observe(partition, event, { silent: true });
      },
    );
    this.stats.restores += 1;
    this.logger.log(
      `telemetry partition ${partition}: health models rebuilt from offsets ${from}-${upTo - 1} (${this.stats.readingsReplayed - before} readings in ${Date.now() - started} ms)`,
    );
  }

  private async observe(
    partition: number,
    event: EventEnvelope,
    { silent = false } = {},
  ): Promise<NewEvent[]> {
    if (event.type !== 'TelemetryReported') return [];
    const twin = await this.view.directory.waitFor(event.twinId, this.config.directoryWaitMs);
    if (!twin || twin.status === 'unregistered') {
      this.stats.unknownTwins += 1;
      if (!silent)
        this.logger.warn(`telemetry for unknown twin ${event.twinId} (event ${event.id}) not used`);
      return [];
    }
    const model = this.models.modelFor(twin, partition, this.view.history.of(twin.twinId));
    if (silent) this.stats.readingsReplayed += event.data.readings.length;
    else this.stats.readingsSeen += event.data.readings.length;
    if (!model) return [];
    model.observe(
      event.data.readings.map((r) => ({
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

  private forget(partition: number): void {
    this.progress.forget(partition);
    this.models.dropPartition(partition);
  }
}

function groupByPartition(batch: RecordedEvent[]): Map<number, RecordedEvent[]> {
  const groups = new Map<number, RecordedEvent[]>();
  for (const record of batch) {
    const group = groups.get(record.position.partition) ?? [];
    group.push(record);
    groups.set(record.position.partition, group);
  }
  return groups;
}
