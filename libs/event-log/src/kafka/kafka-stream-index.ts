import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { StreamName } from '@twinlog/domain';
import {
  inTransaction,
  openLogDatabase,
  prepareEventInsert,
  prepareRowInsert,
} from '../sqlite-index/sqlite-schema';
import { fromMessage, header, indexFieldsOf, storedBodyOf } from './kafka-codec';
import { streamOfTopic, type TopicNames } from './kafka-topics';
import { watermarks } from './kafka-range-reader';
import {
  prepareValiditySchema,
  recordFingerprint,
  staleness,
  writeMeta,
  type ValidityCheck,
} from './stream-index-validity';
import { identityDrift } from './stream-index-identity';

const INDEX_GROUP = '__stream_index__';

/** The index could not catch up in time (a large log after a restart): retry shortly. */
export class IndexBehindError extends Error {
  readonly retriable = true;
  constructor(message: string) {
    super(message);
    this.name = 'IndexBehindError';
  }
}

/** The index no longer matches the log (a topic recreated under it): it is rebuilt on the next read. */
export class StaleIndexError extends Error {
  readonly retriable = true;
  constructor(message: string) {
    super(message);
    this.name = 'StaleIndexError';
  }
}

/**
 * Kafka is a log, not a per-twin store. This local index (the SQLite log schema it shares with
 * the embedded log, sqlite-index/, in a node:sqlite file) follows both stream topics and answers
 * per-twin reads in O(events of the twin) through its (twin_id, stream, offset) index. It is a cache: delete it and it is rebuilt
 * from the log, and it is rebuilt by itself when it does not match the log it finds (a new
 * cluster, a recreated topic: see stream-index-validity.ts). Undecodable messages are skipped
 * here; subscribers dead-letter them.
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
    this.database = this.open();
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
      this.wipe();
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
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        try {
          this.ingest(streamOfTopic(this.names, batch.topic), batch.partition, batch.messages);
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
   * every partition, or only the given ones (where one twin's events are). Both topics'
   * watermarks are fetched at once, and waiting wakes on ingestion rather than polling.
   */
  async catchUp(timeoutMs = 30_000, only?: Partial<Record<StreamName, number[]>>): Promise<void> {
    if (this.stopped) throw new Error('the stream index was stopped (the event log is closed)');
    const deadline = Date.now() + timeoutMs;
    // Positions from before the log's end is read: events appended and indexed while the read
    // is on its way would make the index look ahead of a log that merely grew.
    const held = this.positions();
    const marks = await Promise.all(
      this.streams.map(async (stream) => ({
        stream,
        marks: await watermarks(this.admin, this.names.stream[stream]),
      })),
    );
    this.checkNotAhead(marks, held);
    if (this.voided) throw this.failure;
    this.checkIdentityNowAndThen();
    for (const { stream, marks: partitions } of marks) {
      for (const { partition, high } of partitions) {
        if (only && !only[stream]?.includes(partition)) continue;
        while (this.position(stream, partition) < high) {
          if (this.stopped)
            throw new Error('the stream index was stopped (the event log is closed)');
          if (this.failure) throw this.failure;
          if (Date.now() > deadline)
            throw new IndexBehindError(
              `the per-twin read index is still catching up with the log (${stream}/${partition} at ${this.position(stream, partition)} of ${high} after ${timeoutMs} ms)`,
            );
          await new Promise<void>((resolve) => {
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
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.identityCheck;
    await this.consumer?.disconnect();
    this.db.close();
  }

  private open(): DatabaseSync {
    const db = openLogDatabase(this.path);
    prepareValiditySchema(db);
    return db;
  }

  /** Forgets everything: a new file (quicker than deleting millions of rows), or an empty memory db. */
  private wipe(): void {
    if (this.path === ':memory:') {
      this.db.exec(
        'DELETE FROM events; DELETE FROM consumer_offsets; DELETE FROM index_meta; DELETE FROM index_fingerprints;',
      );
      return;
    }
    this.db.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${this.path}${suffix}`, { force: true });
    this.database = this.open();
  }

  /**
   * An index past a partition's end is ahead of the log: its topic was recreated under it. The
   * consumer cannot tell by itself: Kafka's reset after the out-of-range offset brings nothing
   * while the new partition is empty, and a consumer that kept its fetch offsets through the
   * deletion sees no jump back at all. Each read's watermarks show it (every partition, not only
   * the read's: one is enough to void the whole index). `held` are the positions taken before
   * the watermarks were read: the index only reads below a partition's end, and that end only
   * grows, so an index ahead of it then is ahead of the log.
   */
  private checkNotAhead(
    marks: { stream: StreamName; marks: { partition: number; high: number }[] }[],
    held: (stream: StreamName, partition: number) => number,
  ): void {
    if (this.failure) return;
    for (const { stream, marks: partitions } of marks) {
      const ahead = partitions.find((m) => held(stream, m.partition) > m.high);
      if (ahead)
        return this.voidWith(
          `it claims ${this.names.stream[stream]}/${ahead.partition} up to offset ${held(stream, ahead.partition)}, beyond the partition's end (${ahead.high}): the topic was recreated`,
        );
    }
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

  /**
   * A batch that starts before where the index is: either the consumer re-reading after it
   * rejoined (the same events again: skipped), or Kafka's reset to the earliest offset after the
   * index's offset went out of range, because the topic was recreated under it (other events at
   * the same offsets: the index is void and rebuilt on the next read).
   */
  private fresh(stream: StreamName, partition: number, messages: KafkaMessage[]): KafkaMessage[] {
    const position = this.position(stream, partition);
    if (messages.length === 0 || Number(messages[0]!.offset) >= position) return messages;
    const heldAt = this.db.prepare(
      'SELECT id FROM events WHERE stream = ? AND partition = ? AND "offset" = ?',
    );
    for (const message of messages) {
      if (Number(message.offset) >= position) break;
      const held = heldAt.get(stream, partition, Number(message.offset))?.['id'];
      const id = header(message.headers, 'event-id');
      if (held !== undefined && id !== undefined && String(held) !== id) {
        const reason = `${this.names.stream[stream]}/${partition} offset ${message.offset} now holds another event than the one indexed (the offset went out of range and Kafka reset it: the topic was recreated)`;
        this.voidWith(reason);
        return [];
      }
    }
    return messages.filter((m) => Number(m.offset) >= position);
  }

  private ingest(stream: StreamName, partition: number, all: KafkaMessage[]): void {
    if (this.voided) return;
    const messages = this.fresh(stream, partition, all);
    if (messages.length === 0) return;
    const insert = prepareEventInsert(this.db, true);
    const insertRow = prepareRowInsert(this.db, true);
    inTransaction(this.db, () => {
      for (const message of messages) {
        const position = { stream, partition, offset: Number(message.offset) };
        const body = storedBodyOf(message);
        // Fast path: the headers say all the index needs; the body is validated when read.
        const fields = indexFieldsOf(message);
        if (fields) {
          insertRow(position, fields, body);
          continue;
        }
        let recorded;
        try {
          recorded = fromMessage(stream, partition, message);
        } catch {
          continue;
        }
        insert(position, recorded.event, body);
      }
      this.db
        .prepare(
          `INSERT INTO consumer_offsets (group_id, stream, partition, next_offset) VALUES (?, ?, ?, ?)
           ON CONFLICT (group_id, stream, partition) DO UPDATE SET next_offset = excluded.next_offset`,
        )
        .run(INDEX_GROUP, stream, partition, Number(messages[messages.length - 1]!.offset) + 1);
      recordFingerprint(this.db, stream, partition, messages[messages.length - 1]!);
    });
  }

  private position(stream: StreamName, partition: number): number {
    const row = this.db
      .prepare(
        'SELECT next_offset FROM consumer_offsets WHERE group_id = ? AND stream = ? AND partition = ?',
      )
      .get(INDEX_GROUP, stream, partition);
    return Number(row?.['next_offset'] ?? 0);
  }

  /** Every partition's position now, read at once (0 for a partition never read). */
  private positions(): (stream: StreamName, partition: number) => number {
    const rows = this.db
      .prepare('SELECT stream, partition, next_offset FROM consumer_offsets WHERE group_id = ?')
      .all(INDEX_GROUP);
    const held = new Map(
      rows.map((r) => [`${r['stream']}/${r['partition']}`, Number(r['next_offset'])]),
    );
    return (stream, partition) => held.get(`${stream}/${partition}`) ?? 0;
  }

  /** True if an event with this id is in the log (as far as the index has read). */
  has(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM events WHERE id = ?').get(id) !== undefined;
  }

  /** The twin's current revision on the twin-events stream: its last event's offset + 1, or 0. */
  revisionOf(twinId: string): number {
    const row = this.db
      .prepare(
        `SELECT MAX("offset") AS last FROM events WHERE twin_id = ? AND stream = 'twin-events'`,
      )
      .get(twinId);
    return row?.['last'] === null || row?.['last'] === undefined ? 0 : Number(row['last']) + 1;
  }
}
