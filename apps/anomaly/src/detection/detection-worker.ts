import { Inject, Injectable, Logger } from '@nestjs/common';
import type { MonitoredReading } from '@twinlog/analytics';
import type { EventEnvelope, NewEvent } from '@twinlog/domain';
import { TwinDirectory, type Infrastructure } from '@twinlog/service-kit';
import type { AnomalyConfig } from '../config/anomaly.config';
import { ANOMALY_CONFIG, CLOCK, INFRASTRUCTURE } from '../tokens';
import { anomalyEvent } from './anomaly-events';
import { PartitionProgress, type RecordedEvent } from '@twinlog/event-log';
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
 * brought exactly up to the batch from the log (see PartitionProgress), so a takeover judges
 * new readings as the previous owner would have.
 */
@Injectable()
export class DetectionWorker {
  private readonly logger = new Logger(DetectionWorker.name);
  private readonly progress = new PartitionProgress();
  private readonly monitors: TwinMonitors;
  readonly stats: WorkerStats = {
    readingsJudged: 0,
    readingsReplayed: 0,
    eventsAppended: 0,
    restores: 0,
    unknownTwins: 0,
  };

  constructor(
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    @Inject(ANOMALY_CONFIG) private readonly config: AnomalyConfig,
    @Inject(CLOCK) private readonly now: () => string,
    private readonly directory: TwinDirectory,
  ) {
    this.monitors = new TwinMonitors(infra.catalog);
  }

  private assignedPartitions: number[] = [];

  /** The telemetry partitions this worker holds (after the latest rebalance). */
  get partitions(): number[] {
    return this.assignedPartitions;
  }

  /** After a rebalance: the state of partitions this worker lost is dropped (memory, and staleness). */
  assigned(partitions: number[]): void {
    this.assignedPartitions = partitions;
    for (const held of this.progress.partitions) if (!partitions.includes(held)) this.forget(held);
  }

  get twins(): number {
    return this.monitors.twins;
  }

  async handle(batch: RecordedEvent[]): Promise<void> {
    const findings: NewEvent[] = [];
    const partitions = groupByPartition(batch);
    try {
      for (const [partition, records] of partitions) {
        const fresh = await this.prepare(partition, records);
        for (const record of fresh) findings.push(...(await this.judge(partition, record.event)));
      }
      if (findings.length > 0) {
        const { appended } = await this.infra.log.append(findings);
        this.stats.eventsAppended += appended.length;
      }
    } catch (error) {
      // The detectors have seen readings whose findings are not in the log: drop that state so
      // the redelivered batch is judged from a state rebuilt from the log, not twice.
      for (const partition of partitions.keys()) this.forget(partition);
      throw error;
    }
    for (const [partition, records] of partitions)
      this.progress.advance(partition, records[records.length - 1]!.position.offset + 1);
  }

  /** Brings the partition's state up to the batch; returns the records still to judge. */
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
      default:
        return assertNever(plan);
    }
  }

  /** Feeds [from, upTo) of the partition to the detectors without reporting: it is judged already. */
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
        for (const { event } of replayed) await this.judge(partition, event, { silent: true });
      },
    );
    this.stats.restores += 1;
    this.logger.log(
      `telemetry partition ${partition}: detector state rebuilt from offsets ${from}-${upTo - 1} (${this.stats.readingsReplayed - before} readings in ${Date.now() - started} ms)`,
    );
  }

  private async judge(
    partition: number,
    event: EventEnvelope,
    { silent = false } = {},
  ): Promise<NewEvent[]> {
    if (event.type !== 'TelemetryReported') return [];
    const twin = await this.directory.waitFor(event.twinId, this.config.directoryWaitMs);
    if (!twin || twin.status === 'unregistered') {
      // Ingestion validated the twin, so this is someone writing around it: say so, move on.
      this.stats.unknownTwins += 1;
      if (!silent)
        this.logger.warn(
          `telemetry for unknown twin ${event.twinId} (event ${event.id}) not judged`,
        );
      return [];
    }
    const readings: MonitoredReading[] = event.data.readings.map((r) => ({
      property: r.property,
      value: r.value,
      at: Date.parse(r.occurredAt),
      readingId: r.readingId,
    }));
    const changes = this.monitors.observe(partition, twin, readings);
    if (silent) {
      this.stats.readingsReplayed += readings.length;
      return [];
    }
    this.stats.readingsJudged += readings.length;
    if (changes.length === 0) return [];
    const now = this.now();
    return changes.map((change) => anomalyEvent(event.twinId, change, event, now));
  }

  private forget(partition: number): void {
    this.progress.forget(partition);
    this.monitors.dropPartition(partition);
  }
}

function groupByPartition(batch: RecordedEvent[]): Map<number, RecordedEvent[]> {
  const groups = new Map<number, RecordedEvent[]>();
  for (const record of batch) {
    if (record.position.stream !== 'telemetry') continue;
    const group = groups.get(record.position.partition);
    if (group) group.push(record);
    else groups.set(record.position.partition, [record]);
  }
  return groups;
}

function assertNever(value: never): never {
  throw new Error(`unexpected plan ${JSON.stringify(value)}`);
}
