import { DatabaseSync } from 'node:sqlite';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MAX_STORE_WINDOWS, roundMean, windowCount, windowStart } from '@twinlog/domain';
import type {
  DownsampledSeries,
  DownsampleQuery,
  SeriesPoint,
  SeriesQuery,
  TelemetryPoint,
  TelemetryStore,
  WindowStats,
} from '../telemetry-store.port';
import {
  eachPoint,
  POINTS_SCHEMA,
  readSeries,
  SEAL_AT,
  sealedLookup,
  sealSeries,
} from './sqlite-points';
import { migrateRowsTable } from './sqlite-store-migration';

/** Series sealed by one write at most; the others stay due and are sealed by the next writes. */
const SEALS_PER_WRITE = 4;

/**
 * The embedded time-series store (node:sqlite): series named once, recent points as rows,
 * older ones sealed into compressed blocks (sqlite-points.ts, docs/adr/0024).
 */
export class SqliteTelemetryStore implements TelemetryStore {
  private readonly seriesIds = new Map<string, number>();
  /** Recent rows per series since it was last sealed (from the table at open). */
  private readonly recentCounts = new Map<number, number>();

  private constructor(private readonly db: DatabaseSync) {
    this.countRecent();
  }

  /**
   * Always `synchronous = FULL` (SQLite's default, said here so nobody lowers it by accident): a
   * point is synced before the writer commits its log offset, so a power cut cannot leave an
   * offset past a point that was lost. `log`: where a migration of an older file reports.
   */
  static open(path: string, log: (line: string) => void = () => undefined): SqliteTelemetryStore {
    const db = new DatabaseSync(path);
    // WAL checkpointed and cut back every 1 MB, as the log's (sqlite-schema.ts).
    db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
      PRAGMA wal_autocheckpoint = 256; PRAGMA journal_size_limit = 1048576;`);
    db.exec(POINTS_SCHEMA);
    migrateRowsTable(db, log);
    return new SqliteTelemetryStore(db);
  }

  /** Recent rows per series, from the table (at open, and after a write rolled back). */
  private countRecent(): void {
    this.recentCounts.clear();
    for (const row of this.db
      .prepare('SELECT series, COUNT(*) AS n FROM recent GROUP BY series')
      .iterate())
      this.recentCounts.set(Number(row['series']), Number(row['n']));
  }

  /** SQLite's `synchronous` level of this connection: 1 normal, 2 full. */
  get synchronousLevel(): number {
    return Number(this.db.prepare('PRAGMA synchronous').get()?.['synchronous']);
  }

  /** The points held (readings at full resolution), counted as they are written: no scan. */
  readingsHeld(): number {
    return Number(this.db.prepare('SELECT points FROM point_count').get()?.['points'] ?? 0);
  }

  async write(points: TelemetryPoint[]): Promise<void> {
    // A point written again (a redelivery, a replay) replaces the first and is not counted twice.
    const insert = this.db.prepare('INSERT OR IGNORE INTO recent VALUES (?, ?, ?)');
    const replace = this.db.prepare('UPDATE recent SET value = ? WHERE series = ? AND time_ms = ?');
    const count = this.db.prepare('UPDATE point_count SET points = points + ?');
    const sealedHas = sealedLookup(this.db);
    this.db.exec('BEGIN');
    try {
      let added = 0;
      const due = new Set<number>();
      for (const p of points) {
        const series = this.seriesOf(p);
        const time = Date.parse(p.time);
        if (insert.run(series, time, p.value).changes) {
          // A new row over a sealed point replaces it: not one more reading.
          if (!sealedHas(series, time)) added++;
          const recent = (this.recentCounts.get(series) ?? 0) + 1;
          this.recentCounts.set(series, recent);
          if (recent >= SEAL_AT) due.add(series);
        } else replace.run(p.value, series, time);
      }
      // A few series a write: after an upgrade every series is due at once (sqlite-points.ts).
      for (const series of [...due].slice(0, SEALS_PER_WRITE)) {
        const sealed = sealSeries(this.db, series);
        this.recentCounts.set(series, this.recentCounts.get(series)! - sealed);
      }
      count.run(added);
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      this.seriesIds.clear();
      this.countRecent();
      throw error;
    }
  }

  async query(query: SeriesQuery): Promise<SeriesPoint[]> {
    const from = Date.parse(query.from);
    const to = Date.parse(query.to);
    const series = this.seriesOfTwin(query.twinId, query.properties);
    const points: Array<SeriesPoint & { ms: number }> = [];
    for (const { id, property } of series) {
      const run = readSeries(this.db, id, from, to);
      for (let i = 0; i < run.times.length; i++)
        points.push({ property, time: '', value: run.values[i]!, ms: run.times[i]! });
    }
    // Time order, then property (code-unit order, as SQLite's text order was).
    points.sort(
      (a, b) => a.ms - b.ms || (a.property < b.property ? -1 : a.property > b.property ? 1 : 0),
    );
    return points.map((p) => ({
      property: p.property,
      time: new Date(p.ms).toISOString(),
      value: p.value,
    }));
  }

  /**
   * Per twin and property, the points of [from, to) read once in time order (blocks decoded,
   * recent rows over them) and folded into epoch-aligned windows: mean, min, max, last, count.
   */
  async downsample(query: DownsampleQuery): Promise<DownsampledSeries[]> {
    const from = Date.parse(query.from);
    const to = Date.parse(query.to);
    const windows = windowCount(from, to, query.everyMs);
    if (windows > MAX_STORE_WINDOWS)
      throw new RangeError(`${windows} windows per series asked; at most ${MAX_STORE_WINDOWS}`);
    const answers: DownsampledSeries[] = [];
    for (const twinId of query.twinIds)
      for (const property of query.properties) {
        // node:sqlite reads synchronously: a roll-up over many members lets other work in between.
        if (answers.length > 0) await nextTurn();
        query.signal?.throwIfAborted();
        const id = this.seriesIds.get(keyOf(twinId, property)) ?? this.lookUp(twinId, property);
        const windows = new WindowFolder(query.everyMs);
        if (id !== undefined) eachPoint(this.db, id, from, to, (t, v) => windows.add(t, v));
        answers.push({ twinId, property, windows: windows.done() });
      }
    return answers;
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private seriesOf(p: TelemetryPoint): number {
    const key = keyOf(p.twinId, p.property);
    const known = this.seriesIds.get(key);
    if (known !== undefined) return known;
    this.db
      .prepare(
        `INSERT INTO series (twin_id, property, twin_type, site) VALUES (?, ?, ?, ?)
         ON CONFLICT (twin_id, property) DO UPDATE SET twin_type = excluded.twin_type, site = excluded.site`,
      )
      .run(p.twinId, p.property, p.twinType, p.site);
    const id = this.lookUp(p.twinId, p.property)!;
    this.seriesIds.set(key, id);
    return id;
  }

  private lookUp(twinId: string, property: string): number | undefined {
    const row = this.db
      .prepare('SELECT id FROM series WHERE twin_id = ? AND property = ?')
      .get(twinId, property);
    return row ? Number(row['id']) : undefined;
  }

  private seriesOfTwin(
    twinId: string,
    properties?: string[],
  ): Array<{ id: number; property: string }> {
    const rows = this.db.prepare('SELECT id, property FROM series WHERE twin_id = ?').all(twinId);
    const wanted = properties && properties.length > 0 ? new Set(properties) : undefined;
    return rows
      .map((r) => ({ id: Number(r['id']), property: String(r['property']) }))
      .filter((s) => !wanted || wanted.has(s.property));
  }
}

// A twin id never holds a NUL (ids are checked at ingestion), so it separates the two.
const keyOf = (twinId: string, property: string): string => `${twinId}\u0000${property}`;

/** Points in time order folded into epoch-aligned windows as they come; empty ones left out. */
class WindowFolder {
  private readonly out: WindowStats[] = [];
  private start = NaN;
  private sum = 0;
  private compensation = 0;
  private min = Infinity;
  private max = -Infinity;
  private last = 0;
  private count = 0;

  constructor(private readonly everyMs: number) {}

  add(time: number, value: number): void {
    const start = windowStart(time, this.everyMs);
    if (start !== this.start) {
      this.close();
      this.start = start;
    }
    // Kahan-Babuska-Neumaier, as SQLite's sum() adds: the mean of many points stays exact.
    const t = this.sum + value;
    this.compensation +=
      Math.abs(this.sum) >= Math.abs(value) ? this.sum - t + value : value - t + this.sum;
    this.sum = t;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.last = value;
    this.count++;
  }

  done(): WindowStats[] {
    this.close();
    return this.out;
  }

  private close(): void {
    if (this.count > 0)
      this.out.push({
        start: new Date(this.start).toISOString(),
        mean: roundMean((this.sum + this.compensation) / this.count),
        min: this.min,
        max: this.max,
        last: this.last,
        count: this.count,
      });
    this.sum = 0;
    this.compensation = 0;
    this.min = Infinity;
    this.max = -Infinity;
    this.last = 0;
    this.count = 0;
  }
}
