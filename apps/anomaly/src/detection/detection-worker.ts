import { Inject, Injectable, Logger } from '@nestjs/common';
import type { MonitoredReading } from '@twinlog/analytics';
import {
  physicallyPossible,
  type EventEnvelope,
  type ModelCatalog,
  type NewEvent,
} from '@twinlog/domain';
import type { EventLog, RecordedEvent, StatefulStreamConsumer } from '@twinlog/event-log';
import { TwinDirectory } from '@twinlog/read-models';
import {
  CLOCK,
  EVENT_LOG,
  MODEL_CATALOG,
  telemetryStateConsumer,
  type Clock,
} from '@twinlog/service-kit';
import type { AnomalyConfig } from '../config/anomaly.config';
import { ANOMALY_CONFIG } from '../tokens';
import { anomalyEvent } from './anomaly-events';
import { TwinMonitors } from './twin-monitors';

export interface WorkerStats {
  readingsJudged: number;
  readingsReplayed: number;
  eventsAppended: number;
  restores: number;
  unknownTwins: number;
}

/**
 * Judges each telemetry batch of this worker's partitions and appends what the detectors found
 * before the batch is committed (at-least-once; the deterministic event ids make a second
 * append of the same finding a no-op). Before judging, the partition's detector state is
 * brought exactly up to the batch from the log (StatefulStreamConsumer), so a takeover judges
 * new readings as the previous owner would have.
 */
@Injectable()
export class DetectionWorker {
  private readonly logger = new Logger(DetectionWorker.name);
  private readonly monitors: TwinMonitors;
  private readonly consumer: StatefulStreamConsumer;
  private readonly counts = { readingsJudged: 0, readingsReplayed: 0, unknownTwins: 0 };

  constructor(
    @Inject(EVENT_LOG) log: EventLog,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(ANOMALY_CONFIG) private readonly config: AnomalyConfig,
    @Inject(CLOCK) private readonly now: Clock,
    private readonly directory: TwinDirectory,
  ) {
    this.monitors = new TwinMonitors(catalog);
    this.consumer = telemetryStateConsumer(
      log,
      {
        feed: (partition, event, silent) => this.judge(partition, event, silent),
        drop: (partition) => this.monitors.dropPartition(partition),
      },
      this.logger,
      'detector state',
    );
  }

  get stats(): WorkerStats {
    return {
      ...this.counts,
      eventsAppended: this.consumer.stats.appended,
      restores: this.consumer.stats.restores,
    };
  }

  /** The telemetry partitions this worker holds (after the latest rebalance). */
  get partitions(): number[] {
    return this.consumer.partitions;
  }

  get twins(): number {
    return this.monitors.twins;
  }

  assigned(partitions: number[]): void {
    this.consumer.assigned(partitions);
  }

  async handle(batch: RecordedEvent[]): Promise<void> {
    const fed = await this.consumer.handle(batch);
    // Counted once the findings are appended, so a reader of the counters sees them in the log.
    for (const { event } of fed)
      if (event.type === 'TelemetryReported' && this.directory.get(event.twinId))
        this.counts.readingsJudged += event.data.readings.length;
  }

  private async judge(
    partition: number,
    event: EventEnvelope,
    silent: boolean,
  ): Promise<NewEvent[]> {
    if (event.type !== 'TelemetryReported') return [];
    const twin = await this.directory.waitFor(event.twinId, this.config.directoryWaitMs);
    if (!twin || twin.status === 'unregistered') {
      // Ingestion validated the twin, so this is someone writing around it: say so, move on.
      this.counts.unknownTwins += 1;
      if (!silent)
        this.logger.warn(
          `telemetry for unknown twin ${event.twinId} (event ${event.id}) not judged`,
        );
      return [];
    }
    const possible = physicallyPossible(event.data.readings, twin, this.catalog);
    const readings: MonitoredReading[] = possible.map((r) => ({
      property: r.property,
      value: r.value,
      at: Date.parse(r.occurredAt),
      readingId: r.readingId,
    }));
    const changes = this.monitors.observe(partition, twin, readings);
    if (silent) {
      this.counts.readingsReplayed += readings.length;
      return [];
    }
    if (changes.length === 0) return [];
    const now = this.now();
    return changes.map((change) => anomalyEvent(event.twinId, change, event, now));
  }
}
