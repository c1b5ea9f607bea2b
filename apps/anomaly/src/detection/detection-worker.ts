import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AI_ASSISTANT, type Assistant } from '@twinlog/ai';
import type { AnomalyChange, MonitoredReading } from '@twinlog/analytics';
import type { ModelCatalog, NewEvent } from '@twinlog/domain';
import type { EventLog, RecordedEvent } from '@twinlog/event-log';
import { TwinDirectory } from '@twinlog/read-models';
import {
  CLOCK,
  ConfigError,
  EVENT_LOG,
  MODEL_CATALOG,
  TwinTelemetryConsumer,
  type Clock,
  type TwinReadings,
} from '@twinlog/service-kit';
import type { AnomalyConfig } from '../config/anomaly.config';
import { SecondOpinion, type SecondOpinionStats } from '../second-opinion/second-opinion';
import { ANOMALY_CONFIG } from '../tokens';
import { anomalyEvent } from './anomaly-events';
import { TwinMonitors } from './twin-monitors';

export interface WorkerStats {
  readingsJudged: number;
  readingsReplayed: number;
  eventsAppended: number;
  restores: number;
  unknownTwins: number;
  secondOpinion: SecondOpinionStats;
}

/**
 * Judges each telemetry batch of this worker's partitions and appends what the detectors found
 * before the batch is committed (at-least-once; the deterministic event ids make a second
 * append of the same finding a no-op). Before judging, the partition's detector state is
 * brought exactly up to the batch from the log (StatefulStreamConsumer), so a takeover judges
 * new readings as the previous owner would have.
 */
@Injectable()
export class DetectionWorker implements OnModuleDestroy {
  private readonly logger = new Logger(DetectionWorker.name);
  private readonly monitors: TwinMonitors;
  private readonly consumer: TwinTelemetryConsumer;
  private readonly secondOpinion: SecondOpinion;
  private readingsReplayed = 0;

  constructor(
    @Inject(EVENT_LOG) log: EventLog,
    @Inject(MODEL_CATALOG) catalog: ModelCatalog,
    @Inject(ANOMALY_CONFIG) config: AnomalyConfig,
    @Inject(CLOCK) private readonly now: Clock,
    @Inject(AI_ASSISTANT) assistant: Assistant,
    directory: TwinDirectory,
  ) {
    this.monitors = new TwinMonitors(catalog);
    this.secondOpinion = secondOpinionOf(config, assistant, log, now, catalog, this.logger);
    this.consumer = new TwinTelemetryConsumer(log, directory, catalog, {
      what: 'detector state',
      directoryWaitMs: config.directoryWaitMs,
      logger: this.logger,
      observe: (readings) => this.judge(readings),
      drop: (partition) => {
        this.monitors.dropPartition(partition);
        this.secondOpinion.dropPartition(partition);
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.secondOpinion.close();
  }

  /** Resolves once no second opinion is queued or out (tests). */
  secondOpinionsIdle(): Promise<void> {
    return this.secondOpinion.idle();
  }

  get stats(): WorkerStats {
    return {
      readingsJudged: this.consumer.counts.readingsFed,
      readingsReplayed: this.readingsReplayed,
      unknownTwins: this.consumer.counts.unknownTwins,
      eventsAppended: this.consumer.stats.appended,
      restores: this.consumer.stats.restores,
      secondOpinion: this.secondOpinion.stats,
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

  handle(batch: RecordedEvent[]): Promise<void> {
    return this.consumer.handle(batch);
  }

  /** The second opinion's look at the readings: never allowed to fail the detection. */
  private observeForSecondOpinion(
    { partition, twin, event, readings, silent }: TwinReadings,
    monitored: MonitoredReading[],
    changes: AnomalyChange[],
  ): void {
    try {
      const withUnits = readings.map((r, i) => ({ ...monitored[i]!, unit: r.unit }));
      this.secondOpinion.observe(partition, twin, event, withUnits, changes, silent);
    } catch (error) {
      this.logger.warn(`second opinion skipped for ${twin.twinId}: ${(error as Error).message}`);
    }
  }

  private judge(fed: TwinReadings): NewEvent[] {
    const { partition, twin, event, readings, silent } = fed;
    const monitored: MonitoredReading[] = readings.map((r) => ({
      property: r.property,
      value: r.value,
      at: Date.parse(r.occurredAt),
      readingId: r.readingId,
    }));
    const changes = this.monitors.observe(partition, twin, monitored);
    if (this.secondOpinion.enabled) this.observeForSecondOpinion(fed, monitored, changes);
    if (silent) {
      this.readingsReplayed += monitored.length;
      return [];
    }
    if (changes.length === 0) return [];
    const now = this.now();
    return changes.map((change) => anomalyEvent(event.twinId, change, event, now));
  }
}

/**
 * The second opinion of this worker. An opted-in type the model catalogue does not know stops
 * start-up, naming the variable; opted-in types with AI off are said once and left off.
 */
function secondOpinionOf(
  config: AnomalyConfig,
  assistant: Assistant,
  log: EventLog,
  now: Clock,
  catalog: ModelCatalog,
  logger: Logger,
): SecondOpinion {
  const { twinTypes } = config.secondOpinion;
  const unknown = twinTypes.filter((type) => !catalog.has(type));
  if (unknown.length > 0)
    throw new ConfigError([
      `TWINLOG_AI_SECOND_OPINION_TYPES=${JSON.stringify(twinTypes.join(','))}: ${unknown.map((t) => JSON.stringify(t)).join(', ')} not in the model catalogue (known: ${catalog.types().join(', ')})`,
    ]);
  if (twinTypes.length > 0 && !assistant.enabled)
    logger.warn(
      `AI second opinion asked for ${twinTypes.join(', ')}, but AI is off: no second opinions (see docs/ai.md)`,
    );
  return new SecondOpinion(config.secondOpinion, assistant, log, now, logger);
}
