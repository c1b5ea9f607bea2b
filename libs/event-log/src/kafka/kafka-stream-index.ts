import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { StreamName } from '@twinlog/domain';
import { twinRevision } from '../sqlite-index/twin-revision';
import { streamOfTopic, type TopicNames } from './kafka-topics';
import { onMarkersOnly, watermarks } from './kafka-range-reader';
import { IndexBehindError, StaleIndexError } from './stream-index-errors';
import { aheadOfLog, identityDrift } from './stream-index-identity';
import { openIndexDatabase, wipeIndexDatabase } from './stream-index-file';
import { freshMessages, indexMessages, indexPosition, indexPositions } from './stream-index-ingest';
import { staleness, writeMeta, type ValidityCheck } from './stream-index-validity';

/**
 * Kafka is a log, not a per-twin store. This local index (the SQLite log schema it shares with
 * the embedded log, sqlite-index/, in a node:sqlite file) follows the stream topics it is given
 * (KafkaLogConfig.indexedStreams) and answers
 * per-twin reads in O(events of the twin) through its (twin_id, stream, offset) index. It is a
 * cache: delete it and it is rebuilt from the log, and it is rebuilt by itself when it does not
 * match the log it finds (a new cluster, a recreated topic: see stream-index-validity.ts).
 * Writing batches into it: stream-index-ingest.ts.
 */
export class KafkaStreamIndex {
  private database: DatabaseSync;
  private consumer: Consumer | undefined;
  private failure: unknown;
  private stopped = false;
  private lastIdentityCheck = Date.now();
  private identityCheck: Promise<void> | undefined;
  /** Emits 'batch' after each ingested batch, to wake readers waiting to catch up. */
  private readonly ingested = new EventEmitter();

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly names: TopicNames,
    private readonly path: string,
    /** The streams it follows: a service that only de-duplicates its own events needs twin-events. */
    readonly streams: readonly StreamName[],
    private readonly warn: (message: string) => void = () => undefined,
    /** How often reads also check that the log is still the one indexed (identityDrift). */
    private readonly checkIntervalMs = 60_000,
  ) {
    this.database = openIndexDatabase(this.path);
    this.ingested.setMaxListeners(0);
  }

  get db(): DatabaseSync {
    return this.database;
  }

  /** True once it found that it no longer matches the log: drop it and start a new one. */
  get voided(): boolean {
    return this.failure instanceof StaleIndexError;
  }

  async start(): Promise<void> {
    const { clusterId } = await this.admin.describeCluster();
    const reason = await staleness(this.validityCheck());
    if (reason) {
      this.warn(
        `the local stream index ${this.path} does not match the Kafka log and is rebuilt from it: ${reason}`,
      );
      this.database = wipeIndexDatabase(this.db, this.path);
    }
    writeMeta(this.db, 'cluster_id', clusterId);
    this.lastIdentityCheck = Date.now();
    const consumer = this.kafka.consumer({
      groupId: `twinlog-index-${randomUUID()}`,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    const topics = this.streams.map((s) => this.names.stream[s]);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    onMarkersOnly(consumer, (payload) => {
      try {
        this.ingest(streamOfTopic(this.names, payload.topic), payload.partition, [], payload);
        this.ingested.emit('batch');
      } catch (error) {
        this.failure = error;
      }
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        try {
          this.ingest(streamOfTopic(this.names, batch.topic), batch.partition, batch.messages, {
            lastOffset: batch.lastOffset(),
          });
          this.ingested.emit('batch');
          await heartbeat();
        } catch (error) {
          this.failure = error;
        }
      },
    });
    // Resume where this index file left off (0 for a new one).
    for (const stream of this.streams) {
      for (const { partition } of await watermarks(this.admin, this.names.stream[stream])) {
        consumer.seek({
          topic: this.names.stream[stream],
          partition,
          offset: String(this.position(stream, partition)),
        });
      }
    }
  }

  /**
   * Waits until the index holds everything the log held when called (read-your-writes): for
   * every partition, or only the given ones (where one twin's events are). Every indexed
   * topic's watermarks are fetched at once, and waiting wakes on ingestion rather than polling.
   */
  async catchUp(
    timeoutMs = 30_000,
    only?: Partial<Record<StreamName, number[]>>,
    /** Where this process's own appends end, when past the log's readable end (see AppendPath.wrote). */
    written: (stream: StreamName, partition: number) => number = () => 0,
  ): Promise<void> {
    if (this.stopped) throw new Error('the stream index was stopped (the event log is closed)');
    const deadline = Date.now() + timeoutMs;
    // Positions from before the log's end is read (see aheadOfLog).
    const held = indexPositions(this.db);
    const marks = await Promise.all(
      this.streams.map(async (stream) => ({
        stream,
        marks: await watermarks(this.admin, this.names.stream[stream]),
      })),
    );
    const ahead = this.failure ? undefined : aheadOfLog(this.names, marks, held);
    if (ahead) this.voidWith(ahead);
    if (this.voided) throw this.failure;
    this.checkIdentityNowAndThen();
    for (const { stream, marks: partitions } of marks) {
      for (const { partition, high: readable } of partitions) {
        if (only && !only[stream]?.includes(partition)) continue;
        // Asked again each time: a mark of this process's own appends expires (see wrote()).
        const high = () => Math.max(readable, written(stream, partition));
        while (this.position(stream, partition) < high()) {
          if (this.stopped)
            throw new Error('the stream index was stopped (the event log is closed)');
          if (this.failure) throw this.failure;
          if (Date.now() > deadline)
            throw new IndexBehindError(
              `the per-twin read index is still catching up with the log (${stream}/${partition} at ${this.position(stream, partition)} of ${high()} after ${timeoutMs} ms)`,
            );
          await this.nextBatch();
        }
      }
    }
  }

  /** Resolves on the next ingested batch, or after 50 ms at most. */
  private nextBatch(): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.ingested.off('batch', wake);
        resolve();
      }, 50);
      this.ingested.once('batch', wake);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.identityCheck;
    await this.consumer?.disconnect();
    this.db.close();
  }

  /**
   * Now and then a read also starts, in the background, the check that the log is still the one
   * indexed: an index that read on into a topic recreated under it is neither ahead of the log
   * nor saw a jump back. A failed check (metadata settling) is simply tried again later.
   */
  private checkIdentityNowAndThen(): void {
    if (this.identityCheck || Date.now() - this.lastIdentityCheck < this.checkIntervalMs) return;
    this.lastIdentityCheck = Date.now();
    this.identityCheck = identityDrift(this.validityCheck())
      .then((reason) => {
        if (reason && !this.stopped && !this.failure) this.voidWith(reason);
      })
      .catch(() => undefined)
      .finally(() => {
        this.identityCheck = undefined;
      });
  }

  private validityCheck(): ValidityCheck {
    return {
      db: this.db,
      kafka: this.kafka,
      admin: this.admin,
      names: this.names,
      streams: this.streams,
      position: (stream, partition) => this.position(stream, partition),
    };
  }

  private voidWith(reason: string): void {
    writeMeta(this.db, 'voided', reason);
    this.failure = new StaleIndexError(`the stream index is rebuilt: ${reason}`);
    this.warn(`the local stream index ${this.path} is void and will be rebuilt: ${reason}`);
  }

  /** `lastOffset`: the batch's last, which may be a transaction marker after its last message. */
  private ingest(
    stream: StreamName,
    partition: number,
    all: KafkaMessage[],
    { lastOffset }: { lastOffset: string },
  ): void {
    if (this.voided) return;
    const found = freshMessages(this.db, stream, partition, all);
    if ('replacedAt' in found)
      return this.voidWith(
        `${this.names.stream[stream]}/${partition} offset ${found.replacedAt} now holds another event than the one indexed (the offset went out of range and Kafka reset it: the topic was recreated)`,
      );
    indexMessages(this.db, stream, partition, found.fresh, Number(lastOffset) + 1);
  }

  private position(stream: StreamName, partition: number): number {
    return indexPosition(this.db, stream, partition);
  }

  /** True if an event with this id is in the log (as far as the index has read). */
  has(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM events WHERE id = ?').get(id) !== undefined;
  }

  /** The twin's current revision on the twin-events stream: its last event's offset + 1, or 0. */
  revisionOf(twinId: string): number {
    return twinRevision(this.db, twinId);
  }
}
