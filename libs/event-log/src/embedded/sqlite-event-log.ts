import { EventEmitter } from 'node:events';
import type { DatabaseSync } from 'node:sqlite';
import { TwinlogError, type EventEnvelope, type NewEvent, type StreamName } from '@twinlog/domain';
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
import { capDeadLetter } from '../shared/dead-letter-cap';
import { decodeEvent, encodeEvent, validateNewEvent } from '../shared/event-codec';
import {
  inTransaction,
  openLogDatabase,
  prepareEventInsert,
  type EmbeddedSync,
} from '../sqlite-index/sqlite-schema';
import { readTwinStream } from '../sqlite-index/read-twin-stream';
import { SqliteSnapshotStore } from './sqlite-snapshot-store';
import { SqliteSubscription } from './sqlite-subscription';

const PARTITION = 0;
const LETTER_COLUMNS = 'seq, at, consumer, code, reason, source, payload, payload_bytes';

/**
 * The embedded event log: a durable single-machine log in one SQLite file (node:sqlite), with
 * Kafka's semantics (streams, offsets, consumer groups with committed offsets, dead letters,
 * latest-per-twin snapshots), so the embedded mode replays exactly like the Kafka mode.
 */
export class SqliteEventLog implements EventLog {
  readonly snapshots: SqliteSnapshotStore;
  /** Wakes subscribers when events are appended, instead of making them poll. */
  readonly appended = new EventEmitter();
  private readonly subscriptions = new Set<SqliteSubscription>();
  deadLetterRecordsRead = 0;

  constructor(readonly db: DatabaseSync) {
    this.snapshots = new SqliteSnapshotStore(db);
    this.appended.setMaxListeners(0);
  }

  static open(path: string, sync: EmbeddedSync = 'normal'): SqliteEventLog {
    return new SqliteEventLog(openLogDatabase(path, sync));
  }

  async append(events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const validated = events.map(validateNewEvent);
    const result = inTransaction(this.db, () => {
      this.checkExpectedRevision(options);
      const exists = this.db.prepare('SELECT 1 FROM events WHERE id = ?');
      const insert = prepareEventInsert(this.db, false);
      const next = new Map<StreamName, number>();
      const appended: AppendResult['appended'] = [];
      const duplicates: string[] = [];
      const batchIds = new Set<string>();
      for (const { event, stream } of validated) {
        if (batchIds.has(event.id) || exists.get(event.id)) {
          duplicates.push(event.id);
          continue;
        }
        batchIds.add(event.id);
        const offset = next.get(stream) ?? this.endOffset(stream);
        next.set(stream, offset + 1);
        insert({ stream, partition: PARTITION, offset }, event, encodeEvent(event));
        appended.push({ id: event.id, position: { stream, partition: PARTITION, offset } });
      }
      return { appended, duplicates };
    });
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
    const batchSize = options.maxBatchSize ?? 1000;
    const untilMs = options.until ? Date.parse(options.until) : Number.POSITIVE_INFINITY;
    let events = 0;
    const next: LogPosition[] = [];
    // One partition per stream here: a replay of other partitions reads nothing.
    const streams = options.partitions?.includes(PARTITION) === false ? [] : options.streams;
    const starts = streams.map((stream) => ({
      stream,
      offset: this.startOffset(stream, options),
    }));
    const ends = new Map(
      streams.map((stream) => {
        const endAt = options.endAt?.find((p) => p.stream === stream && p.partition === PARTITION);
        return [stream, Math.min(this.endOffset(stream), endAt?.offset ?? Infinity)];
      }),
    );
    const total = starts.reduce((sum, s) => sum + (ends.get(s.stream)! - s.offset), 0);
    for (const start of starts) {
      let offset = start.offset;
      const end = ends.get(start.stream)!;
      const select = this.db.prepare(
        `SELECT "offset", body, recorded_at_ms FROM events WHERE stream = ? AND partition = ? AND "offset" >= ? AND "offset" < ? ORDER BY "offset" LIMIT ?`,
      );
      let done = false;
      while (!done && offset < end) {
        const rows = select.all(start.stream, PARTITION, offset, end, batchSize);
        if (rows.length === 0) break;
        const batch: RecordedEvent[] = [];
        for (const row of rows) {
          if (Number(row['recorded_at_ms']) > untilMs) {
            done = true;
            break;
          }
          const position = {
            stream: start.stream,
            partition: PARTITION,
            offset: Number(row['offset']),
          };
          batch.push({ event: decodeEvent(String(row['body']), position.offset), position });
        }
        if (batch.length > 0) await handler(batch);
        events += batch.length;
        offset = batch.length > 0 ? batch[batch.length - 1]!.position.offset + 1 : offset;
        options.onProgress?.({ events, total });
      }
      next.push({ stream: start.stream, partition: PARTITION, offset });
    }
    return { events, next };
  }

  async deadLetter(letter: DeadLetter): Promise<void> {
    const capped = capDeadLetter(letter);
    this.db
      .prepare(
        'INSERT INTO dead_letters (at, consumer, code, reason, source, payload, payload_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        capped.at,
        capped.consumer,
        capped.code,
        capped.reason,
        JSON.stringify(capped.source),
        capped.payload,
        capped.payloadBytes ?? null,
      );
  }

  async recordDeadLetterReplay(replay: DeadLetterReplay): Promise<void> {
    this.db
      .prepare('INSERT INTO dead_letter_replays (body) VALUES (?)')
      .run(JSON.stringify(replay));
  }

  async readDeadLetterReplays(): Promise<DeadLetterReplay[]> {
    return this.db
      .prepare('SELECT body FROM dead_letter_replays ORDER BY seq')
      .all()
      .map((row) => JSON.parse(String(row['body'])) as DeadLetterReplay);
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
    return this.db
      .prepare(`SELECT ${LETTER_COLUMNS} FROM dead_letters ORDER BY seq`)
      .all()
      .map((row) => this.letterOf(row));
  }

  async readDeadLetterPage(query: DeadLetterPageQuery): Promise<DeadLetterPage> {
    // Indexed by seq, by code and by time; the statement is stepped row by row and stopped at
    // the page's count or bytes, so one page's work is bounded whatever the log holds.
    let after = query.after === undefined ? 0 : Number(query.after);
    if (after > 0) {
      const last = this.db.prepare('SELECT MAX(seq) AS seq FROM dead_letters').get()?.['seq'];
      if (after > Number(last ?? 0)) return { letters: [], next: null, afterEnd: true };
    }
    const since = query.since === undefined ? undefined : new Date(query.since).toISOString();
    if (since !== undefined) {
      // Letters are recorded in time order (nearly: producers stamp them): start at the first.
      const first = this.db
        .prepare('SELECT MIN(seq) AS seq FROM dead_letters WHERE at >= ?')
        .get(since);
      const seq = first?.['seq'];
      if (seq === null || seq === undefined) return { letters: [], next: null };
      after = Math.max(after, Number(seq) - 1);
    }
    const where = ['seq > ?'];
    const params: Array<string | number> = [after];
    if (query.code !== undefined) {
      where.push('code = ?');
      params.push(query.code);
    }
    if (since !== undefined) {
      where.push('at >= ?');
      params.push(since);
    }
    const rows = this.db
      .prepare(
        `SELECT ${LETTER_COLUMNS} FROM dead_letters WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`,
      )
      .iterate(...params, query.limit + 1);
    const letters: RecordedDeadLetter[] = [];
    let bytes = 0;
    let next: string | null = null;
    for (const row of rows) {
      if (letters.length >= query.limit || (letters.length > 0 && bytes >= query.maxBytes)) {
        next = letters[letters.length - 1]!.id;
        break;
      }
      const letter = this.letterOf(row);
      bytes += letter.payload.length;
      letters.push(letter);
    }
    return { letters, next };
  }

  async readDeadLettersById(ids: string[]): Promise<RecordedDeadLetter[]> {
    const seqs = [...new Set(ids.filter((id) => /^\d{1,15}$/.test(id)).map(Number))];
    const select = this.db.prepare(`SELECT ${LETTER_COLUMNS} FROM dead_letters WHERE seq = ?`);
    return seqs
      .sort((a, b) => a - b)
      .flatMap((seq) => {
        const row = select.get(seq);
        return row ? [this.letterOf(row)] : [];
      });
  }

  private letterOf(row: Record<string, unknown>): RecordedDeadLetter {
    this.deadLetterRecordsRead++;
    const payloadBytes = row['payload_bytes'];
    return {
      id: String(row['seq']),
      at: String(row['at']),
      consumer: String(row['consumer']),
      code: String(row['code']),
      reason: String(row['reason']),
      source: JSON.parse(String(row['source'])),
      payload: String(row['payload']),
      ...(payloadBytes === null || payloadBytes === undefined
        ? {}
        : { payloadBytes: Number(payloadBytes) }),
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.db.close();
  }

  /** The offset the next event of a stream gets (the stream's length). */
  endOffset(stream: StreamName): number {
    const row = this.db
      .prepare('SELECT MAX("offset") AS last FROM events WHERE stream = ? AND partition = ?')
      .get(stream, PARTITION);
    return row?.['last'] === null || row?.['last'] === undefined ? 0 : Number(row['last']) + 1;
  }

  private startOffset(stream: StreamName, options: ReplayOptions): number {
    const from = options.from ?? { kind: 'beginning' };
    if (from.kind === 'beginning') return 0;
    if (from.kind === 'positions')
      return from.positions.find((p) => p.stream === stream)?.offset ?? 0;
    const row = this.db
      .prepare('SELECT MIN("offset") AS first FROM events WHERE stream = ? AND recorded_at_ms >= ?')
      .get(stream, Date.parse(from.recordedAt));
    return row?.['first'] === null || row?.['first'] === undefined
      ? this.endOffset(stream)
      : Number(row['first']);
  }

  private checkExpectedRevision({ expectedRevision }: AppendOptions): void {
    if (!expectedRevision) return;
    const row = this.db
      .prepare(
        `SELECT MAX("offset") AS last FROM events WHERE twin_id = ? AND stream = 'twin-events'`,
      )
      .get(expectedRevision.twinId);
    const current =
      row?.['last'] === null || row?.['last'] === undefined ? 0 : Number(row['last']) + 1;
    if (current !== expectedRevision.revision) {
      throw new TwinlogError(
        'REVISION_CONFLICT',
        `Twin ${expectedRevision.twinId} is at revision ${current}, not ${expectedRevision.revision}: reload and retry`,
        { twinId: expectedRevision.twinId, expected: expectedRevision.revision, current },
      );
    }
  }
}
