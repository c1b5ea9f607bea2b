import type { EventEnvelope, NewEvent, StreamName } from '@twinlog/domain';
import { STREAMS } from '@twinlog/domain';
import type {
  AppendOptions,
  AppendResult,
  BatchHandler,
  DeadLetter,
  DeadLetterPage,
  DeadLetterPageQuery,
  DeadLetterReplay,
  EventLog,
  LogPosition,
  Ownership,
  OwnershipOptions,
  PartitionBounds,
  RecordedDeadLetter,
  ReadStreamOptions,
  ReplayOptions,
  ReplayResult,
  SubscribeOptions,
  Subscription,
} from '../event-log.port';
import { readTwinStream } from '../sqlite-index/read-twin-stream';
import { DeadLetterWriter } from './dead-letter-writer';
import { KafkaAccessKeyStore } from './kafka-access-key-store';
import { KafkaDocumentStore } from './kafka-document-store';
import { KafkaAppender } from './kafka-append';
import { connectKafka, type KafkaConnection } from './kafka-connection';
import { KafkaDeadLetters } from './kafka-dead-letters';
import type { KafkaLogConfig } from './kafka-log.config';
import { watermarks } from './kafka-range-reader';
import { replayLog } from './kafka-replay';
import { KafkaOwnership } from './kafka-ownership';
import { PartitionFences } from './partition-fences';
import { KafkaSnapshotStore } from './kafka-snapshot-store';
import { KafkaStreamIndex } from './kafka-stream-index';
import { KafkaSubscription } from './kafka-subscription';
import { ProduceBatcher } from './produce-batcher';
import { StreamIndexLifecycle } from './stream-index-lifecycle';
import { TwinPartitioner } from './twin-partitioner';

/** How long a read waits for this process's own appends beyond the log's readable end. */
const WRITTEN_WAIT_MS = 10_000;

/**
 * The event log on Kafka: an idempotent producer with acks=all, topics keyed by twin id, a
 * dead-letter topic, compacted topics of snapshots, API keys and simulation jobs, and a local stream index for
 * per-twin reads.
 * Each responsibility lives in its own file; this class wires them to the EventLog port.
 */
export class KafkaEventLog implements EventLog {
  readonly snapshots: KafkaSnapshotStore;
  readonly accessKeys: KafkaAccessKeyStore;
  readonly simulationJobs: KafkaDocumentStore;
  private readonly subscriptions = new Set<Subscription>();
  private readonly ownerships = new Set<Ownership>();
  private readonly partitioner: TwinPartitioner;
  private readonly index: StreamIndexLifecycle;
  private readonly appender: KafkaAppender;
  /** Where this process's recent appends end, per partition, and when (see wrote()). */
  private readonly written = new Map<string, { next: number; at: number }>();
  private readonly deadLetters: KafkaDeadLetters;
  private readonly deadLetterWriter: DeadLetterWriter;

  private constructor(private readonly connection: KafkaConnection) {
    const { kafka, admin, producer, names, partitions, settings } = connection;
    this.snapshots = new KafkaSnapshotStore(kafka, admin, producer, names.snapshots);
    this.accessKeys = new KafkaAccessKeyStore(
      kafka,
      admin,
      producer,
      names.accessKeys,
      settings.warn,
    );
    this.simulationJobs = new KafkaDocumentStore(
      kafka,
      admin,
      producer,
      names.simulationJobs,
      settings,
      settings.warn,
    );
    const batcher = new ProduceBatcher(producer);
    this.partitioner = new TwinPartitioner(names, partitions);
    this.deadLetters = new KafkaDeadLetters(kafka, admin, names.deadLetter);
    this.deadLetterWriter = new DeadLetterWriter(batcher, names.deadLetter);
    // A new index replaces one found void (a topic recreated under it).
    this.index = new StreamIndexLifecycle(
      () =>
        new KafkaStreamIndex(
          kafka,
          admin,
          names,
          settings.indexPath,
          settings.indexedStreams,
          settings.warn,
          settings.indexCheckIntervalMs,
        ),
    );
    this.appender = new KafkaAppender({
      names,
      settings,
      batcher,
      partitioner: this.partitioner,
      caughtUpIndex: (twinIds) => this.caughtUpIndex(twinIds),
      wrote: (positions) => this.wrote(positions),
    });
  }

  static async connect(
    config: Partial<KafkaLogConfig> & Pick<KafkaLogConfig, 'brokers'>,
  ): Promise<KafkaEventLog> {
    return new KafkaEventLog(await connectKafka(config));
  }

  /** Starts the stream index now, in the background; a failure shows on the first read. */
  warmUp(): void {
    this.index.warmUp();
  }

  append(events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    return this.appender.append(events, options);
  }

  async readStream(twinId: string, options: ReadStreamOptions = {}): Promise<EventEnvelope[]> {
    const { indexedStreams } = this.connection.settings;
    const missing = (options.streams ?? STREAMS).filter((s) => !indexedStreams.includes(s));
    if (missing.length > 0)
      throw new Error(
        `this event log does not index the ${missing.join(' and ')} stream${missing.length > 1 ? 's' : ''} (indexedStreams): it cannot read twin streams from ${missing.length > 1 ? 'them' : 'it'}`,
      );
    const index = await this.caughtUpIndex([twinId]);
    return readTwinStream(index.db, twinId, options);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const { kafka, names, settings } = this.connection;
    const subscription = await KafkaSubscription.start(kafka, names, settings, options, (l) =>
      this.deadLetter(l),
    );
    this.subscriptions.add(subscription);
    return {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  replay(options: ReplayOptions, handler: BatchHandler): Promise<ReplayResult> {
    return replayLog(this.connection, options, handler);
  }

  deadLetter(letter: DeadLetter): Promise<void> {
    return this.deadLetterWriter.letter(letter);
  }

  readDeadLetters(): Promise<RecordedDeadLetter[]> {
    return this.deadLetters.all();
  }

  readDeadLetterPage(query: DeadLetterPageQuery): Promise<DeadLetterPage> {
    return this.deadLetters.page(query);
  }

  readDeadLettersById(ids: string[]): Promise<RecordedDeadLetter[]> {
    return this.deadLetters.byIds(ids);
  }

  get deadLetterRecordsRead(): number {
    return this.deadLetters.recordsRead;
  }

  recordDeadLetterReplay(replay: DeadLetterReplay): Promise<void> {
    return this.deadLetterWriter.replayRecord(replay);
  }

  readDeadLetterReplays(): Promise<DeadLetterReplay[]> {
    return this.deadLetters.replayRecords();
  }

  async bounds(stream: StreamName): Promise<PartitionBounds[]> {
    const { admin, names } = this.connection;
    return (await watermarks(admin, names.stream[stream])).map((w) => ({
      stream,
      partition: w.partition,
      start: w.low,
      end: w.high,
    }));
  }

  async joinOwnership(options: OwnershipOptions): Promise<Ownership> {
    const { kafka, admin, names, partitions, settings } = this.connection;
    // A twin's partition must be the same number in every stream its owner folds.
    if (partitions['twin-events'] !== partitions.telemetry)
      throw new Error(
        `${names.stream['twin-events']} has ${partitions['twin-events']} partitions and ${names.stream.telemetry} ${partitions.telemetry}: replicas that share partitions need both streams to have the same count (docs/deploy.md, "Partitions")`,
      );
    const fences = new PartitionFences(kafka, `${names.prefix}${options.group}.partition-`, {
      names,
      settings,
      partitioner: this.partitioner,
      caughtUpIndex: (twinIds) => this.caughtUpIndex(twinIds),
      wrote: (positions) => this.wrote(positions),
    });
    const ownership = await KafkaOwnership.join(
      kafka,
      admin,
      names,
      partitions['twin-events'],
      settings,
      (twinId) => this.partitioner.partitionOf('twin-events', twinId),
      fences,
      options,
    );
    this.ownerships.add(ownership);
    return {
      current: () => ownership.current(),
      partitionOf: (twinId) => ownership.partitionOf(twinId),
      append: (fencedBy, events, appendOptions) =>
        ownership.append(fencedBy, events, appendOptions),
      leave: async () => {
        this.ownerships.delete(ownership);
        await ownership.leave();
      },
    };
  }

  async close(): Promise<void> {
    this.index.refuseReads();
    await Promise.allSettled([
      ...[...this.ownerships].map((o) => o.leave()),
      ...[...this.subscriptions].map((s) => s.stop()),
      this.simulationJobs.close(),
    ]);
    await this.index.stop();
    const { producer, admin } = this.connection;
    await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
  }

  /** The partition a twin's events go to in a stream (for tools that produce with their own producer). */
  partitionFor(stream: StreamName, twinId: string): number {
    return this.partitioner.partitionOf(stream, twinId);
  }

  /** The stream index, caught up with the log where the given twins' events are. */
  private caughtUpIndex(twinIds: string[]): Promise<KafkaStreamIndex> {
    const partitions = (stream: StreamName) => [
      ...new Set(twinIds.map((twinId) => this.partitioner.partitionOf(stream, twinId))),
    ];
    return this.index.caughtUp(
      {
        'twin-events': partitions('twin-events'),
        telemetry: partitions('telemetry'),
        alerts: partitions('alerts'),
      },
      (stream, partition) => {
        const mark = this.written.get(`${stream}/${partition}`);
        return mark && Date.now() - mark.at < WRITTEN_WAIT_MS ? mark.next : 0;
      },
    );
  }

  /**
   * Where this process's appends end, per partition: a transaction's commit is answered before
   * its markers make it readable, and a read right after must still see it. Only for a while: a
   * topic recreated since (the index then rebuilds) no longer reaches those offsets.
   */
  private wrote(positions: LogPosition[]): void {
    const at = Date.now();
    for (const { stream, partition, offset } of positions) {
      const key = `${stream}/${partition}`;
      const mark = this.written.get(key);
      if (!mark || offset + 1 > mark.next || at - mark.at >= WRITTEN_WAIT_MS)
        this.written.set(key, { next: offset + 1, at });
    }
  }
}
