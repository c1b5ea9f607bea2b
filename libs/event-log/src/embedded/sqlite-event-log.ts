import { EventEmitter } from 'node:events';
import type { DatabaseSync } from 'node:sqlite';
import type { EventEnvelope, NewEvent, StreamName } from '@twinlog/domain';
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
  ReadStreamOptions,
  ReplayOptions,
  ReplayResult,
  SubscribeOptions,
  Subscription,
} from '../event-log.port';
import { openLogDatabase, type EmbeddedSync } from '../sqlite-index/sqlite-schema';
import { readTwinStream } from '../sqlite-index/read-twin-stream';
import { PARTITION, streamEnd } from './single-partition';
import { appendToLog } from './sqlite-append';
import { warnOnStderr } from '../shared/warn-on-stderr';
import { SqliteAccessKeyStore } from './sqlite-access-key-store';
import { SqliteDocumentStore } from './sqlite-document-store';
import { SqliteDeadLetters } from './sqlite-dead-letters';
import { replayLog } from './sqlite-replay';
import { SqliteSnapshotStore } from './sqlite-snapshot-store';
import { SqliteSubscription } from './sqlite-subscription';
import { SqliteTelemetryRetention } from './sqlite-telemetry-retention';

/**
 * The embedded event log: a durable single-machine log in one SQLite file (node:sqlite), with
 * Kafka's semantics (streams, offsets, consumer groups with committed offsets, dead letters,
 * latest-per-twin snapshots), so the embedded mode replays exactly like the Kafka mode.
 * Each responsibility lives in its own file; this class wires them to the EventLog port.
 */
export class SqliteEventLog implements EventLog {
  readonly snapshots: SqliteSnapshotStore;
  readonly accessKeys: SqliteAccessKeyStore;
  readonly simulationJobs: SqliteDocumentStore;
  readonly telemetryRetention: SqliteTelemetryRetention;
  /** Wakes subscribers when events are appended, instead of making them poll. */
  readonly appended = new EventEmitter();
  private readonly subscriptions = new Set<SqliteSubscription>();
  private readonly deadLetters: SqliteDeadLetters;

  /** `warn`: where the log's warnings go (a stored access key skipped): the service's logger. */
  constructor(
    readonly db: DatabaseSync,
    warn: (message: string) => void = warnOnStderr,
  ) {
    this.snapshots = new SqliteSnapshotStore(db);
    this.accessKeys = new SqliteAccessKeyStore(db, warn);
    this.simulationJobs = new SqliteDocumentStore(db, 'simulation-jobs', warn);
    this.deadLetters = new SqliteDeadLetters(db);
    this.telemetryRetention = new SqliteTelemetryRetention(db);
    this.appended.setMaxListeners(0);
  }

  static open(
    path: string,
    sync: EmbeddedSync = 'normal',
    warn: (message: string) => void = warnOnStderr,
  ): SqliteEventLog {
    return new SqliteEventLog(openLogDatabase(path, sync), warn);
  }

  get deadLetterRecordsRead(): number {
    return this.deadLetters.recordsRead;
  }

  async append(events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const result = appendToLog(this.db, events, options);
    if (result.appended.length > 0) this.appended.emit('append');
    return result;
  }

  async readStream(twinId: string, options: ReadStreamOptions = {}): Promise<EventEnvelope[]> {
    return readTwinStream(this.db, twinId, options);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const subscription = new SqliteSubscription(this, options, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    for (const stream of options.streams) options.onAssignment?.([PARTITION], stream);
    subscription.start();
    return subscription;
  }

  async replay(options: ReplayOptions, handler: BatchHandler): Promise<ReplayResult> {
    return replayLog(this.db, options, handler);
  }

  async deadLetter(letter: DeadLetter): Promise<void> {
    this.deadLetters.write(letter);
  }

  async recordDeadLetterReplay(replay: DeadLetterReplay): Promise<void> {
    this.deadLetters.recordReplay(replay);
  }

  async readDeadLetterReplays(): Promise<DeadLetterReplay[]> {
    return this.deadLetters.replays();
  }

  async bounds(stream: StreamName): Promise<PartitionBounds[]> {
    const row = this.db
      .prepare('SELECT MIN("offset") AS first FROM events WHERE stream = ? AND partition = ?')
      .get(stream, PARTITION);
    const end = this.endOffset(stream);
    const start =
      row?.['first'] === null || row?.['first'] === undefined ? end : Number(row['first']);
    return [{ stream, partition: PARTITION, start, end }];
  }

  async readDeadLetters(): Promise<RecordedDeadLetter[]> {
    return this.deadLetters.all();
  }

  async readDeadLetterPage(query: DeadLetterPageQuery): Promise<DeadLetterPage> {
    return this.deadLetters.page(query);
  }

  async readDeadLettersById(ids: string[]): Promise<RecordedDeadLetter[]> {
    return this.deadLetters.byId(ids);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.db.close();
  }

  /** The offset the next event of a stream gets (the stream's length). */
  endOffset(stream: StreamName): number {
    return streamEnd(this.db, stream);
  }
}
