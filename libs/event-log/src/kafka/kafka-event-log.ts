import {
  Kafka,
  logLevel,
  Partitioners,
  type Admin,
  type PartitionMetadata,
  type Producer,
} from 'kafkajs';
import {
  STREAMS,
  TwinlogError,
  type EventEnvelope,
  type NewEvent,
  type StreamName,
} from '@twinlog/domain';
import type {
  AppendOptions,
  AppendResult,
  BatchHandler,
  DeadLetter,
  DeadLetterPage,
  DeadLetterPageQuery,
  DeadLetterReplay,
  EventLog,
  PartitionBounds,
  RecordedDeadLetter,
  LogPosition,
  ReadStreamOptions,
  RecordedEvent,
  ReplayOptions,
  ReplayResult,
  SubscribeOptions,
  Subscription,
} from '../event-log.port';
import { readTwinStream } from '../sqlite-index/read-twin-stream';
import { capDeadLetter } from '../shared/dead-letter-cap';
import { validateNewEvent } from '../shared/event-codec';
import { KafkaDeadLetters, RECORD_HEADER, REPLAY_RECORD } from './kafka-dead-letters';
import { toMessage } from './kafka-codec';
import { fetchJobOf, replayHere, replayViaThread } from './replay-stream';
import { FetchThread } from './replay-worker/fetch-thread';
import { DEFAULT_KAFKA_LOG_CONFIG, type KafkaLogConfig } from './kafka-log.config';
import { watermarks, type PartitionRange } from './kafka-range-reader';
import { retryRetriable } from './retry-retriable';
import { KafkaSnapshotStore } from './kafka-snapshot-store';
import { KafkaStreamIndex, StaleIndexError } from './kafka-stream-index';
import { KafkaSubscription } from './kafka-subscription';
import { ProduceBatcher } from './produce-batcher';
import { ensureTopics, topicNames, type TopicNames } from './kafka-topics';

const KAFKAJS_LOG_LEVEL = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
};

/**
 * The event log on Kafka: an idempotent producer with acks=all, topics keyed by twin id, a
 * dead-letter topic, a compacted snapshot topic, and a local stream index for per-twin reads.
 */
export class KafkaEventLog implements EventLog {
  readonly snapshots: KafkaSnapshotStore;
  private readonly subscriptions = new Set<Subscription>();
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly inFlight = new Set<string>();
  private readonly batcher: ProduceBatcher;
  private readonly deadLetters: KafkaDeadLetters;
  private readonly partitionMetadata: Partial<Record<StreamName, PartitionMetadata[]>> = {};

  private constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly producer: Producer,
    private readonly names: TopicNames,
    private readonly partitions: Record<StreamName, number>,
    private readonly newIndex: () => KafkaStreamIndex,
    private readonly settings: KafkaLogConfig,
  ) {
    this.snapshots = new KafkaSnapshotStore(kafka, admin, producer, names.snapshots);
    this.batcher = new ProduceBatcher(producer);
    this.deadLetters = new KafkaDeadLetters(kafka, admin, names.deadLetter);
  }

  static async connect(
    config: Partial<KafkaLogConfig> & Pick<KafkaLogConfig, 'brokers'>,
  ): Promise<KafkaEventLog> {
    const settings = { ...DEFAULT_KAFKA_LOG_CONFIG, ...config };
    const kafka = new Kafka({
      clientId: settings.clientId,
      brokers: settings.brokers,
      logLevel: KAFKAJS_LOG_LEVEL[settings.clientLogLevel],
    });
    const admin = kafka.admin();
    await admin.connect();
    const names = topicNames(settings.topicPrefix);
    await ensureTopics(admin, names, settings.partitions, settings.replicationFactor);
    const metadata = await admin.fetchTopicMetadata({
      topics: [names.stream['twin-events'], names.stream.telemetry],
    });
    const count = (topic: string) =>
      metadata.topics.find((t) => t.name === topic)?.partitions.length ?? settings.partitions;
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    // Started on first use: producers that never read a twin's stream, and replays, do not pay
    // for it. A new one replaces an index found void (a topic recreated under it).
    const newIndex = () =>
      new KafkaStreamIndex(
        kafka,
        admin,
        names,
        settings.indexPath,
        settings.indexedStreams,
        settings.warn,
        settings.indexCheckIntervalMs,
      );
    const log = new KafkaEventLog(
      kafka,
      admin,
      producer,
      names,
      {
        'twin-events': count(names.stream['twin-events']),
        telemetry: count(names.stream.telemetry),
      },
      newIndex,
      settings,
    );
    return log;
  }

  private indexStarted: Promise<KafkaStreamIndex> | undefined;
  private closed = false;

  /** Starts the stream index now, in the background; a failure shows on the first read. */
  warmUp(): void {
    if (!this.closed) this.startedIndex().catch(() => undefined);
  }

  /**
   * The stream index, started once; from then on it follows the log by itself. One that found
   * itself void is stopped and replaced by a new one, which rebuilds from the log.
   */
  private async startedIndex(): Promise<KafkaStreamIndex> {
    const started = (this.indexStarted ??= this.retriedIfFailed(this.startIndex()));
    const index = await started;
    if (!index.voided) return index;
    if (this.indexStarted === started)
      this.indexStarted = this.retriedIfFailed(
        (async () => {
          await index.stop();
          return this.startIndex();
        })(),
      );
    return this.indexStarted;
  }

  /**
   * A start that failed (the broker's metadata still settling after a topic was recreated) is
   * forgotten, so the next read starts the index again instead of failing forever.
   */
  private retriedIfFailed(starting: Promise<KafkaStreamIndex>): Promise<KafkaStreamIndex> {
    const tracked: Promise<KafkaStreamIndex> = starting.catch((error: unknown) => {
      if (this.indexStarted === tracked) this.indexStarted = undefined;
      throw error;
    });
    return tracked;
  }

  private async startIndex(): Promise<KafkaStreamIndex> {
    const index = this.newIndex();
    try {
      await index.start();
    } catch (error) {
      await index.stop().catch(() => undefined);
      throw error;
    }
    return index;
  }

  /** The stream index, caught up with the log where the given twins' events are. */
  private async caughtUpIndex(...twinIds: string[]): Promise<KafkaStreamIndex> {
    // A read after close must not start a new index consumer that nobody will stop.
    if (this.closed) throw new Error('the event log is closed');
    const partitions = (stream: StreamName) => [
      ...new Set(twinIds.map((twinId) => this.partitionFor(stream, twinId))),
    ];
    const only = { 'twin-events': partitions('twin-events'), telemetry: partitions('telemetry') };
    const index = await this.startedIndex();
    try {
      await index.catchUp(30_000, only);
      return index;
    } catch (error) {
      if (!(error instanceof StaleIndexError)) throw error;
      // Found void while catching up: once more on the index that replaces it.
      const rebuilt = await this.startedIndex();
      await rebuilt.catchUp(30_000, only);
      return rebuilt;
    }
  }

  async append(events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const validated = events.map(validateNewEvent);
    const needsIndex = options.expectedRevision !== undefined || this.settings.dedupeOnAppend;
    // Duplicate ids may be anyone's: the whole index; a revision check needs only the twin's partitions.
    const index = needsIndex
      ? // An event's earlier copy can only be where its twin's events go: catch up those partitions.
        await this.caughtUpIndex(
          ...new Set([
            ...(this.settings.dedupeOnAppend ? validated.map((v) => v.event.twinId) : []),
            ...(options.expectedRevision ? [options.expectedRevision.twinId] : []),
          ]),
        )
      : undefined;
    if (options.expectedRevision) {
      const { twinId, revision } = options.expectedRevision;
      const current = index!.revisionOf(twinId);
      if (current !== revision) {
        throw new TwinlogError(
          'REVISION_CONFLICT',
          `Twin ${twinId} is at revision ${current}, not ${revision}: reload and retry`,
          {
            twinId,
            expected: revision,
            current,
          },
        );
      }
    }
    const duplicates: string[] = [];
    const fresh = validated.filter(({ event }) => {
      const seen = this.inFlight.has(event.id) || (index?.has(event.id) ?? false);
      if (seen) duplicates.push(event.id);
      else this.inFlight.add(event.id);
      return !seen;
    });
    try {
      // Streams go out concurrently (and may share a request with other appends: see
      // ProduceBatcher); positions are reported back in the caller's order.
      const positions = new Map<string, LogPosition>();
      await Promise.all(
        [...new Set(fresh.map((f) => f.stream))].map(async (stream) => {
          const items = fresh.filter((f) => f.stream === stream);
          const messages = items.map(({ event }) =>
            toMessage(
              event,
              this.partitionOf(stream, event.twinId),
              this.settings.telemetryEncoding,
            ),
          );
          const offsets = await this.batcher.produce(this.names.stream[stream], messages);
          items.forEach(({ event }, i) =>
            positions.set(event.id, {
              stream,
              partition: messages[i]!.partition!,
              offset: offsets[i]!,
            }),
          );
        }),
      );
      const appended = fresh.map(({ event }) => ({
        id: event.id,
        position: positions.get(event.id)!,
      }));
      return { appended, duplicates };
    } finally {
      for (const { event } of fresh) this.inFlight.delete(event.id);
    }
  }

  async readStream(twinId: string, options: ReadStreamOptions = {}): Promise<EventEnvelope[]> {
    const missing = (options.streams ?? STREAMS).filter(
      (s) => !this.settings.indexedStreams.includes(s),
    );
    if (missing.length > 0)
      throw new Error(
        `this event log does not index the ${missing.join(' and ')} stream (indexedStreams): it cannot read twin streams from it`,
      );
    const index = await this.caughtUpIndex(twinId);
    return readTwinStream(index.db, twinId, options);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const subscription = await KafkaSubscription.start(
      this.kafka,
      this.names,
      this.settings,
      options,
      (l) => this.deadLetter(l),
    );
    this.subscriptions.add(subscription);
    return {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  async replay(options: ReplayOptions, handler: BatchHandler): Promise<ReplayResult> {
    const untilMs = options.until ? Date.parse(options.until) : Number.POSITIVE_INFINITY;
    const plans = await Promise.all(
      options.streams.map(async (stream) => ({
        stream,
        ranges: await this.replayRanges(stream, options),
      })),
    );
    const total = plans.reduce((sum, p) => sum + sizeOf(p.ranges), 0);
    let events = 0;
    const chunk = options.maxBatchSize ?? 500;
    const next: LogPosition[] = [];
    const deliver = async (batch: RecordedEvent[]) => {
      if (batch.length > 0) await handler(batch);
      events += batch.length;
      options.onProgress?.({ events, total });
    };
    // Large streams are fetched on a worker thread, which starts on them at once, while the
    // smaller streams are read here.
    const large = (ranges: PartitionRange[]) =>
      sizeOf(ranges) >= this.settings.replayWorkerMinEvents;
    const streams = plans.map(({ stream, ranges }) => ({
      stream,
      topic: this.names.stream[stream],
      ranges,
      untilMs,
    }));
    const fetched = streams.filter((s) => large(s.ranges));
    const fetchThread =
      fetched.length > 0
        ? FetchThread.start({
            brokers: this.settings.brokers,
            clientId: this.settings.clientId,
            jobs: fetched.map(fetchJobOf),
          })
        : undefined;
    try {
      for (const stream of streams) {
        const replay = { ...stream, chunk, deliver };
        const reached =
          fetchThread && large(stream.ranges)
            ? await replayViaThread(fetchThread, replay)
            : await replayHere(this.kafka, this.admin, replay);
        for (const [partition, offset] of reached)
          next.push({ stream: stream.stream, partition, offset });
      }
    } finally {
      await fetchThread?.stop();
    }
    return { events, next };
  }

  async deadLetter(letter: DeadLetter): Promise<void> {
    const capped = capDeadLetter(letter);
    await this.batcher.produce(this.names.deadLetter, [
      { key: capped.consumer, value: JSON.stringify(capped), headers: { code: capped.code } },
    ]);
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

  async recordDeadLetterReplay(replay: DeadLetterReplay): Promise<void> {
    await this.batcher.produce(this.names.deadLetter, [
      {
        key: 'dead-letter-replay',
        value: JSON.stringify(replay),
        headers: { [RECORD_HEADER]: REPLAY_RECORD },
      },
    ]);
  }

  readDeadLetterReplays(): Promise<DeadLetterReplay[]> {
    return this.deadLetters.replayRecords();
  }

  async bounds(stream: StreamName): Promise<PartitionBounds[]> {
    return (await watermarks(this.admin, this.names.stream[stream])).map((w) => ({
      stream,
      partition: w.partition,
      start: w.low,
      end: w.high,
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
    const index = await this.indexStarted?.catch(() => undefined);
    await index?.stop();
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  /** The partition a twin's events go to in a stream (for tools that produce with their own producer). */
  partitionFor(stream: StreamName, twinId: string): number {
    return this.partitionOf(stream, twinId);
  }

  /** The same partition a Java client would choose for the key (murmur2), computed up front so positions are known. */
  private partitionOf(stream: StreamName, twinId: string): number {
    // The partitioner only counts partitions; the metadata it is given is built once per stream.
    const partitionMetadata = (this.partitionMetadata[stream] ??= Array.from(
      { length: this.partitions[stream] },
      (_, partitionId) => ({
        partitionId,
        partitionErrorCode: 0,
        leader: 0,
        replicas: [0],
        isr: [0],
      }),
    ));
    return this.partitioner({
      topic: this.names.stream[stream],
      partitionMetadata,
      message: { key: twinId, value: null },
    });
  }

  private async replayRanges(
    stream: StreamName,
    options: ReplayOptions,
  ): Promise<PartitionRange[]> {
    const topic = this.names.stream[stream];
    const marks = await watermarks(this.admin, topic);
    const from = options.from ?? { kind: 'beginning' };
    let starts: Map<number, number>;
    if (from.kind === 'beginning') starts = new Map(marks.map((m) => [m.partition, m.low]));
    else if (from.kind === 'positions') {
      starts = new Map(
        marks.map((m) => [
          m.partition,
          from.positions.find((p) => p.stream === stream && p.partition === m.partition)?.offset ??
            m.low,
        ]),
      );
    } else {
      const byTime = await retryRetriable(() =>
        this.admin.fetchTopicOffsetsByTimestamp(topic, Date.parse(from.recordedAt)),
      );
      starts = new Map(byTime.map((o) => [o.partition, Number(o.offset)]));
    }
    const endAt = (partition: number) =>
      options.endAt?.find((p) => p.stream === stream && p.partition === partition)?.offset;
    return marks
      .filter((m) => options.partitions?.includes(m.partition) ?? true)
      .map((m) => ({
        partition: m.partition,
        start: starts.get(m.partition) ?? m.low,
        end: Math.min(m.high, endAt(m.partition) ?? m.high),
      }));
  }
}

/** How many offsets the ranges span. */
function sizeOf(ranges: PartitionRange[]): number {
  return ranges.reduce((sum, r) => sum + Math.max(0, r.end - r.start), 0);
}
