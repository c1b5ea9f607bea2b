import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { DatabaseSync } from 'node:sqlite';
import { isTwinlogError, type StreamName } from '@twinlog/domain';
import type { DeadLetter, RecordedEvent, SubscribeOptions, Subscription } from '../event-log.port';
import { deadLetterReason, deliverBatch } from '../shared/deliver-batch';
import { decodeStoredEvent, storedPayload } from '../shared/event-codec';
import { inTransaction, type StoredBody } from '../sqlite-index/sqlite-schema';
import { PARTITION } from './single-partition';

/** What a subscription needs of the embedded log (which implements it): no import back to it. */
export interface SubscribedLog {
  readonly db: DatabaseSync;
  /** Emits 'append' after each append, to wake idle members. */
  readonly appended: EventEmitter;
  deadLetter(letter: DeadLetter): Promise<void>;
  endOffset(stream: StreamName): number;
}

const IDLE_WAIT_MS = 500;
/** One active member per group and log file: the embedded log has one partition per stream. */
const activeMembers = new WeakMap<SubscribedLog, Map<string, SqliteSubscription>>();

/**
 * A consumer-group member on the embedded log: delivers batches from the committed offsets,
 * commits after the handler resolves, dead-letters what cannot be decoded, retries failures.
 */
export class SqliteSubscription implements Subscription {
  private stopped = false;
  /** Positions already dead-lettered, so a retried batch does not dead-letter them again. */
  private readonly deadLettered = new Set<string>();
  private loop: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private readonly onAppend = () => this.wake?.();

  private readonly options: SubscribeOptions;

  constructor(
    private readonly log: SubscribedLog,
    options: SubscribeOptions,
    private readonly onStop: () => void,
  ) {
    // A broadcast member gets a group of its own, started at the beginning and dropped on stop.
    this.options = options.broadcast
      ? { ...options, group: broadcastGroup(options.group), fromBeginning: true }
      : options;
  }

  start(): void {
    this.log.appended.on('append', this.onAppend);
    this.initialiseOffsets();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.log.appended.off('append', this.onAppend);
    const members = activeMembers.get(this.log);
    if (members?.get(this.options.group) === this) members.delete(this.options.group);
    if (this.options.broadcast) {
      this.log.db
        .prepare('DELETE FROM consumer_offsets WHERE group_id = ?')
        .run(this.options.group);
    }
    this.onStop();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (!this.claimGroup()) {
        await this.idle();
        continue;
      }
      const batch = this.nextBatch();
      if (!batch) {
        await this.idle();
        continue;
      }
      const delivered =
        batch.events.length === 0 ||
        (await deliverBatch(batch.events, this.options.handler, {
          label: `consumer ${this.options.group}`,
          active: () => !this.stopped,
          deadLetter: (record, error) =>
            this.log.deadLetter({
              at: new Date().toISOString(),
              consumer: this.options.group,
              ...deadLetterReason(error),
              source: record.position,
              payload: JSON.stringify(record.event),
            }),
        }));
      if (delivered) this.commit(batch.stream, batch.nextOffset);
    }
  }

  private claimGroup(): boolean {
    const members = activeMembers.get(this.log) ?? new Map<string, SqliteSubscription>();
    activeMembers.set(this.log, members);
    const current = members.get(this.options.group);
    if (!current) members.set(this.options.group, this);
    return (current ?? this) === this;
  }

  private initialiseOffsets(): void {
    const insert = this.log.db.prepare(
      'INSERT OR IGNORE INTO consumer_offsets (group_id, stream, partition, next_offset) VALUES (?, ?, ?, ?)',
    );
    for (const stream of this.options.streams) {
      const startAt = this.options.broadcast
        ? this.options.startAt?.find((p) => p.stream === stream && p.partition === PARTITION)
        : undefined;
      const start = startAt
        ? startAt.offset
        : this.options.fromBeginning === false
          ? this.log.endOffset(stream)
          : 0;
      insert.run(this.options.group, stream, PARTITION, start);
    }
  }

  /** The next batch from the first stream that has events, or undefined when all are drained. */
  private nextBatch():
    { stream: StreamName; events: RecordedEvent[]; nextOffset: number } | undefined {
    const limit = this.options.maxBatchSize ?? 500;
    for (const stream of this.options.streams) {
      const from = this.committed(stream);
      const rows = this.log.db
        .prepare(
          'SELECT "offset", body FROM events WHERE stream = ? AND partition = ? AND "offset" >= ? ORDER BY "offset" LIMIT ?',
        )
        .all(stream, PARTITION, from, limit);
      if (rows.length === 0) continue;
      const events: RecordedEvent[] = [];
      for (const row of rows) {
        const position = { stream, partition: PARTITION, offset: Number(row['offset']) };
        try {
          events.push({
            event: decodeStoredEvent(row['body'] as StoredBody, position.offset),
            position,
          });
        } catch (error) {
          const key = `${stream}:${position.offset}`;
          if (this.deadLettered.has(key)) continue;
          this.deadLettered.add(key);
          void this.log.deadLetter({
            at: new Date().toISOString(),
            consumer: this.options.group,
            code: isTwinlogError(error) ? error.code : 'EVENT_INVALID',
            reason: (error as Error).message,
            source: position,
            ...storedPayload(row['body'] as StoredBody),
          });
        }
      }
      return { stream, events, nextOffset: Number(rows[rows.length - 1]!['offset']) + 1 };
    }
    return undefined;
  }

  private committed(stream: StreamName): number {
    const row = this.log.db
      .prepare(
        'SELECT next_offset FROM consumer_offsets WHERE group_id = ? AND stream = ? AND partition = ?',
      )
      .get(this.options.group, stream, PARTITION);
    return Number(row?.['next_offset'] ?? 0);
  }

  private commit(stream: StreamName, nextOffset: number): void {
    inTransaction(this.log.db, () =>
      this.log.db
        .prepare(
          'UPDATE consumer_offsets SET next_offset = ? WHERE group_id = ? AND stream = ? AND partition = ?',
        )
        .run(nextOffset, this.options.group, stream, PARTITION),
    );
  }

  private idle(ms = IDLE_WAIT_MS): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

const BROADCAST_SUFFIX = /\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function broadcastGroup(group: string): string {
  return `${group}.${randomUUID()}`;
}

/**
 * A broadcast member's own group: its offsets are its progress in this process only (it
 * restores from snapshots and replay at start), so nothing waits for it.
 */
export function isBroadcastGroup(group: string): boolean {
  return BROADCAST_SUFFIX.test(group);
}
