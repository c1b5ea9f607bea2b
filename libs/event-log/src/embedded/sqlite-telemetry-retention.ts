import type { DatabaseSync } from 'node:sqlite';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { isEarlier, type EventEnvelope } from '@twinlog/domain';
import type {
  RetentionOptions,
  RetentionProgress,
  RetentionRun,
  TelemetryRetention,
} from '../event-log.port';
import { decodeStoredEvent } from '../shared/event-codec';
import { inTransaction, type StoredBody } from '../sqlite-index/sqlite-schema';
import { PARTITION, streamEnd } from './single-partition';
import { isBroadcastGroup } from './sqlite-subscription';

/** Events decoded, or deleted, between two turns of the event loop. */
const CHUNK = 2_000;
/** `retained_readings` row that keeps a twin's last telemetry event (its telemetry revision). */
const LAST_EVENT = '';

/** Per twin and property, the reading that stays current: its event time (as text) and event. */
interface Winner {
  occurredAt: string;
  offset: number;
}

type Winners = Map<string, Map<string, Winner>>;

/** Kept rows of telemetry no reader can decode, under a twin id no twin has. */
const UNREADABLE = '';

/**
 * Retention of the embedded log's raw telemetry (docs/adr/0024). Telemetry events recorded and
 * occurred before the cutoff are deleted, except the ones that still hold a twin's current
 * value of some property (the newest reading by event time, later record breaking ties) and
 * each twin's last one. Folding a twin is a maximum per property over the readings folded
 * (`applyReadings`), so the kept events fold to exactly the state all of them did, as of any
 * moment from the cutoff on, on either time axis: the live state, a replay and time travel
 * inside the kept window do not change. Before the cutoff the log no longer answers
 * (`keptFrom`); the time-series store still holds every reading.
 *
 * Nothing a consumer has not read yet is deleted: the cutoff never passes a consumer group's
 * committed offset. Deletion goes in chunks, each its own transaction, so the event loop and
 * the writers go on; `deleted_to` records how far it got, and a run cut short is finished by
 * the next one.
 */
export class SqliteTelemetryRetention implements TelemetryRetention {
  constructor(private readonly db: DatabaseSync) {}

  keptFrom(): string | null {
    const ms = this.state()?.keptFromMs;
    return ms === undefined ? null : new Date(ms).toISOString();
  }

  heldBack(waitFor: readonly string[] = []): { group: string; offset: number } | null {
    const rows = this.db
      .prepare(
        `SELECT group_id, next_offset FROM consumer_offsets WHERE stream = 'telemetry' AND partition = ?
         ORDER BY next_offset`,
      )
      .all(PARTITION);
    // A group that must have read telemetry first (the store's writer) and has not started yet
    // holds everything back.
    const groups = new Set(rows.map((r) => String(r['group_id'])));
    const missing = waitFor.find((group) => !groups.has(group));
    if (missing) return { group: missing, offset: 0 };
    // A broadcast member (a process's own fold) is left out: it restores from snapshots, and a
    // dropped event is one that changes no state it folds.
    const row = rows.find((r) => !isBroadcastGroup(String(r['group_id'])));
    return row ? { group: String(row['group_id']), offset: Number(row['next_offset']) } : null;
  }

  async run(olderThan: string, options: RetentionOptions = {}): Promise<RetentionRun> {
    const onProgress = options.onProgress ?? ignoreProgress;
    const started = Date.now();
    const cutoffMs = Date.parse(olderThan);
    const previous = this.state();
    // A run cut short is finished first, by its own cutoff (what it scanned decides).
    let deleted = previous ? await this.finishDeletes(previous.belowOffset, onProgress) : 0;
    // A cutoff earlier than the last one would claim a window the log no longer holds whole.
    if (previous && cutoffMs <= previous.keptFromMs) return this.report(started, 0, deleted, null);
    const from = previous?.belowOffset ?? 0;
    const held = this.heldBack(options.waitFor);
    const below = Math.min(this.firstRecordedAtOrAfter(from, cutoffMs), held?.offset ?? Infinity);
    const winners = this.winners();
    const before = offsetsOf(winners);
    const changed: Array<[string, string, Winner]> = [];
    const { scanned, latestMs } = await this.scan(
      from,
      below,
      cutoffMs,
      winners,
      changed,
      onProgress,
    );
    if (scanned === 0) return this.report(started, 0, deleted, held);
    // Every dropped event is folded by a question about any moment from here on, on either axis.
    const keptFromMs = Math.max(previous?.keptFromMs ?? 0, latestMs);
    const after = offsetsOf(winners);
    const superseded = [...before].filter((offset) => !after.has(offset));
    inTransaction(this.db, () => {
      const upsert = this.db.prepare(
        `INSERT OR REPLACE INTO retained_readings (twin_id, property, occurred_at, "offset") VALUES (?, ?, ?, ?)`,
      );
      for (const [twinId, property, w] of changed)
        upsert.run(twinId, property, w.occurredAt, w.offset);
      const deleteOne = this.db.prepare(
        `DELETE FROM events WHERE stream = 'telemetry' AND partition = ? AND "offset" = ?`,
      );
      let gone = 0;
      for (const offset of superseded) gone += Number(deleteOne.run(PARTITION, offset).changes);
      // The window moves before anything of it is deleted: a question about a moment before
      // the new cutoff is refused from now on, never answered from a half-deleted log.
      this.db
        .prepare(
          `INSERT INTO retention (stream, kept_from_ms, below_offset, deleted_to, cutoff_ms)
           VALUES ('telemetry', ?, ?, ?, ?)
           ON CONFLICT (stream) DO UPDATE SET kept_from_ms = excluded.kept_from_ms,
             below_offset = excluded.below_offset, cutoff_ms = excluded.cutoff_ms`,
        )
        .run(keptFromMs, below, from, cutoffMs);
      this.countDeleted(gone);
      deleted += gone;
    });
    deleted += await this.finishDeletes(below, onProgress);
    await this.giveBackFreePages();
    return this.report(started, scanned, deleted, held && held.offset <= below ? held : null);
  }

  /**
   * For the storage report: the telemetry events held, how many of those older than the window
   * are kept for a current value, and the bytes free inside the file (deleted rows' pages,
   * reused before the file grows again).
   */
  counts(): { events: number; keptForState: number; freeBytes: number } {
    return {
      // The stream's length less what retention deleted: a count without a scan.
      events:
        streamEnd(this.db, 'telemetry') -
        this.scalar(`SELECT deleted FROM retention WHERE stream = 'telemetry'`, 'deleted'),
      keptForState: this.scalar('SELECT COUNT(DISTINCT "offset") AS n FROM retained_readings', 'n'),
      freeBytes: this.freePages() * this.scalar('PRAGMA page_size', 'page_size'),
    };
  }

  /** A file made with incremental auto-vacuum gives its free pages back, a chunk per turn. */
  private async giveBackFreePages(): Promise<void> {
    if (this.scalar('PRAGMA auto_vacuum', 'auto_vacuum') !== 2) return;
    for (let left = this.freePages(); left > 0; left = this.freePages()) {
      this.db.exec('PRAGMA incremental_vacuum(2000)');
      await nextTurn();
      if (this.freePages() >= left) return;
    }
  }

  private freePages(): number {
    return this.scalar('PRAGMA freelist_count', 'freelist_count');
  }

  /** One number a statement answers (0 without a row). */
  private scalar(sql: string, column: string): number {
    return Number(this.db.prepare(sql).get()?.[column] ?? 0);
  }

  private countDeleted(events: number): void {
    this.db
      .prepare(`UPDATE retention SET deleted = deleted + ? WHERE stream = 'telemetry'`)
      .run(events);
  }

  private report(
    started: number,
    scanned: number,
    deleted: number,
    heldBackBy: { group: string; offset: number } | null,
  ): RetentionRun {
    return {
      keptFrom: this.keptFrom(),
      scanned,
      deleted,
      heldBackBy,
      ms: Date.now() - started,
    };
  }

  private state():
    { keptFromMs: number; belowOffset: number; deletedTo: number; cutoffMs: number } | undefined {
    const row = this.db.prepare(`SELECT * FROM retention WHERE stream = 'telemetry'`).get();
    if (!row) return undefined;
    return {
      keptFromMs: Number(row['kept_from_ms']),
      belowOffset: Number(row['below_offset']),
      deletedTo: Number(row['deleted_to']),
      cutoffMs: Number(row['cutoff_ms']),
    };
  }

  /**
   * The first offset from `from` on recorded at or after the cutoff, by a binary search over
   * offsets (a few index lookups: walking the record-time index from the cutoff read every event
   * of the kept window). Record times follow offsets, give or take a batch; an event below the
   * result recorded later is simply not deleted (the scan checks each event's own times).
   */
  private firstRecordedAtOrAfter(from: number, cutoffMs: number): number {
    const at = this.db.prepare(
      `SELECT recorded_at_ms FROM events WHERE stream = 'telemetry' AND partition = ? AND "offset" >= ?
       ORDER BY "offset" LIMIT 1`,
    );
    let lo = from;
    let hi = streamEnd(this.db, 'telemetry');
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const row = at.get(PARTITION, mid);
      if (!row || Number(row['recorded_at_ms']) >= cutoffMs) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private winners(): Winners {
    const winners: Winners = new Map();
    for (const row of this.db.prepare('SELECT * FROM retained_readings').iterate())
      perTwin(winners, String(row['twin_id'])).set(String(row['property']), {
        occurredAt: String(row['occurred_at']),
        offset: Number(row['offset']),
      });
    return winners;
  }

  /** Folds [from, below) into the winners: per twin and property the reading that stays current. */
  private async scan(
    from: number,
    below: number,
    cutoffMs: number,
    winners: Winners,
    changed: Array<[string, string, Winner]>,
    onProgress: (progress: RetentionProgress) => void,
  ): Promise<{ scanned: number; latestMs: number }> {
    const read = this.db.prepare(
      `SELECT "offset", recorded_at_ms, occurred_at_ms, body FROM events WHERE stream = 'telemetry' AND partition = ?
         AND "offset" >= ? AND "offset" < ? AND occurred_at_ms < ? AND recorded_at_ms < ?
         ORDER BY "offset" LIMIT ?`,
    );
    let next = from;
    let scanned = 0;
    let latestMs = 0;
    for (;;) {
      const rows = read.all(PARTITION, next, below, cutoffMs, cutoffMs, CHUNK);
      if (rows.length === 0) return { scanned, latestMs };
      for (const row of rows) {
        const offset = Number(row['offset']);
        latestMs = Math.max(latestMs, Number(row['recorded_at_ms']), Number(row['occurred_at_ms']));
        next = offset + 1;
        let event: EventEnvelope;
        try {
          event = decodeStoredEvent(row['body'] as StoredBody, offset);
        } catch {
          // Nobody can say what it holds (its consumers dead-lettered it): it is kept.
          offer(winners, changed, UNREADABLE, `offset ${offset}`, { occurredAt: '', offset });
          continue;
        }
        if (event.type !== 'TelemetryReported') continue;
        offer(winners, changed, event.twinId, LAST_EVENT, { occurredAt: '', offset });
        for (const reading of event.data.readings)
          offer(winners, changed, event.twinId, reading.property, {
            occurredAt: reading.occurredAt,
            offset,
          });
      }
      scanned += rows.length;
      onProgress({ phase: 'scan', done: next - from, total: below - from });
      await nextTurn();
    }
  }

  /** Deletes what the last run dropped, from where it got to, a chunk per transaction. */
  private async finishDeletes(
    below: number,
    onProgress: (progress: RetentionProgress) => void,
  ): Promise<number> {
    const state = this.state();
    if (!state) return 0;
    const remove = this.db.prepare(
      `DELETE FROM events WHERE stream = 'telemetry' AND partition = ? AND "offset" >= ? AND "offset" < ?
         AND occurred_at_ms < ? AND recorded_at_ms < ?
         AND NOT EXISTS (SELECT 1 FROM retained_readings r WHERE r."offset" = events."offset")`,
    );
    const moveTo = this.db.prepare(
      `UPDATE retention SET deleted_to = ? WHERE stream = 'telemetry'`,
    );
    let deleted = 0;
    for (let at = state.deletedTo; at < below; at += CHUNK) {
      const to = Math.min(at + CHUNK, below);
      inTransaction(this.db, () => {
        const gone = Number(remove.run(PARTITION, at, to, state.cutoffMs, state.cutoffMs).changes);
        this.countDeleted(gone);
        deleted += gone;
        moveTo.run(to);
      });
      onProgress({ phase: 'delete', done: to - state.deletedTo, total: below - state.deletedTo });
      await nextTurn();
    }
    return deleted;
  }
}

function ignoreProgress(): void {
  // A run without a watcher: nobody to tell.
}

/**
 * Later by event time wins, compared as the fold compares them (`isEarlier`); equal times, the
 * later record. The twin's last event (no time) wins by offset alone.
 */
function offer(
  winners: Winners,
  changed: Array<[string, string, Winner]>,
  twinId: string,
  property: string,
  candidate: Winner,
): void {
  const twin = perTwin(winners, twinId);
  const current = twin.get(property);
  if (
    current &&
    (isEarlier(candidate.occurredAt, current.occurredAt) ||
      (!isEarlier(current.occurredAt, candidate.occurredAt) && candidate.offset < current.offset))
  )
    return;
  twin.set(property, candidate);
  changed.push([twinId, property, candidate]);
}

function perTwin(winners: Winners, twinId: string): Map<string, Winner> {
  let twin = winners.get(twinId);
  if (!twin) winners.set(twinId, (twin = new Map()));
  return twin;
}

function offsetsOf(winners: Winners): Set<number> {
  const offsets = new Set<number>();
  for (const twin of winners.values()) for (const w of twin.values()) offsets.add(w.offset);
  return offsets;
}
