import type { DatabaseSync } from 'node:sqlite';
import { decodeBlock, encodeBlock, type PointRun } from './point-block';

/** A series' points at most this many per sealed block. */
export const BLOCK_POINTS = 1_000;
/** A series is sealed once it has this many recent points, keeping the newest KEEP_RECENT as rows. */
export const SEAL_AT = 1_100;
const KEEP_RECENT = 100;
/** At most this many points sealed at once (a migrated series is sealed over several writes). */
const SEAL_MOST = 50_000;

/**
 * The embedded store's layout (docs/adr/0024): each series (twin, property) is named once in
 * `series`; its recent points are rows of `recent` (cheap to write, late points welcome); older
 * ones are sealed into `blocks` of up to 1,000 points (point-block.ts), a few bytes each.
 * Blocks of a series never overlap in time; a recent row replaces a sealed point of the same
 * time (a write again replaces the value).
 */
export const POINTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS series (
  id INTEGER PRIMARY KEY, twin_id TEXT NOT NULL, property TEXT NOT NULL,
  twin_type TEXT NOT NULL, site TEXT, UNIQUE (twin_id, property));
CREATE TABLE IF NOT EXISTS recent (
  series INTEGER NOT NULL, time_ms INTEGER NOT NULL, value REAL NOT NULL,
  PRIMARY KEY (series, time_ms)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blocks (
  series INTEGER NOT NULL, first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL,
  points INTEGER NOT NULL, data BLOB NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS blocks_by_end ON blocks (series, last_ms);
CREATE TABLE IF NOT EXISTS point_count (id INTEGER PRIMARY KEY CHECK (id = 0), points INTEGER NOT NULL);
INSERT OR IGNORE INTO point_count (id, points) VALUES (0, 0);
`;

/** Merges `later` into `earlier` (both in time order); a time in both takes later's value. */
export function mergeRuns(earlier: PointRun, later: PointRun): { run: PointRun } {
  const times: number[] = [];
  const values: number[] = [];
  let i = 0;
  let j = 0;
  while (i < earlier.times.length || j < later.times.length) {
    const a = earlier.times[i];
    const b = later.times[j];
    if (b === undefined || (a !== undefined && a < b)) {
      times.push(a!);
      values.push(earlier.values[i++]!);
    } else {
      if (a === b) i++;
      times.push(b);
      values.push(later.values[j++]!);
    }
  }
  return { run: { times, values } };
}

/**
 * Seals a series' oldest recent points (all but its newest KEEP_RECENT, at most SEAL_MOST) in
 * the caller's transaction. Points after the series' last block become new blocks; a late one
 * merges into the block that covers it (the first ending at or after it; the recent value wins
 * a shared time), so a late point rewrites one block, never the series' history.
 */
export function sealSeries(db: DatabaseSync, series: number): number {
  const rows = db
    .prepare(
      `SELECT time_ms, value FROM recent WHERE series = ? ORDER BY time_ms
       LIMIT min(?, max(0, (SELECT COUNT(*) FROM recent WHERE series = ?) - ?))`,
    )
    .all(series, SEAL_MOST, series, KEEP_RECENT);
  if (rows.length === 0) return 0;
  const newest = db
    .prepare('SELECT last_ms FROM blocks WHERE series = ? ORDER BY last_ms DESC LIMIT 1')
    .get(series);
  const tailAfter = newest ? Number(newest['last_ms']) : -Infinity;
  const cover = db.prepare(
    'SELECT rowid, data FROM blocks WHERE series = ? AND last_ms >= ? ORDER BY last_ms LIMIT 1',
  );
  const late = new Map<number, { data: Uint8Array; run: PointRun }>();
  const tail: PointRun = { times: [], values: [] };
  for (const row of rows) {
    const time = Number(row['time_ms']);
    const value = Number(row['value']);
    if (time > tailAfter) {
      tail.times.push(time);
      tail.values.push(value);
      continue;
    }
    const block = cover.get(series, time)!;
    const rowid = Number(block['rowid']);
    const group = late.get(rowid) ?? {
      data: block['data'] as Uint8Array,
      run: { times: [], values: [] },
    };
    group.run.times.push(time);
    group.run.values.push(value);
    late.set(rowid, group);
  }
  const remove = db.prepare('DELETE FROM blocks WHERE rowid = ?');
  for (const [rowid, group] of late) {
    remove.run(rowid);
    writeBlocks(db, series, mergeRuns(decodeBlock(group.data), group.run).run);
  }
  writeBlocks(db, series, tail);
  const last = Number(rows.at(-1)!['time_ms']);
  return Number(
    db.prepare('DELETE FROM recent WHERE series = ? AND time_ms <= ?').run(series, last).changes,
  );
}

/** A run in time order as blocks of up to BLOCK_POINTS. */
function writeBlocks(db: DatabaseSync, series: number, run: PointRun): void {
  const insert = db.prepare(
    'INSERT INTO blocks (series, first_ms, last_ms, points, data) VALUES (?, ?, ?, ?, ?)',
  );
  for (let at = 0; at < run.times.length; at += BLOCK_POINTS) {
    const times = run.times.slice(at, at + BLOCK_POINTS);
    const values = run.values.slice(at, at + BLOCK_POINTS);
    insert.run(series, times[0]!, times.at(-1)!, times.length, encodeBlock({ times, values }));
  }
}

/**
 * Whether a sealed block of a series holds a point at a time (a write again of an old point),
 * with its statement prepared once for a whole write.
 */
export function sealedLookup(db: DatabaseSync): (series: number, time: number) => boolean {
  const cover = db.prepare(
    'SELECT first_ms, data FROM blocks WHERE series = ? AND last_ms >= ? ORDER BY last_ms LIMIT 1',
  );
  return (series, time) => {
    const block = cover.get(series, time);
    if (!block || Number(block['first_ms']) > time) return false;
    return decodeBlock(block['data'] as Uint8Array).times.includes(time);
  };
}

/**
 * Visits a series' points in [from, to) in time order, a block at a time (a year of a series is
 * never held at once): sealed points, with the recent rows merged in (a recent row wins a time).
 */
export function eachPoint(
  db: DatabaseSync,
  series: number,
  from: number,
  to: number,
  visit: (time: number, value: number) => void,
): void {
  const recent = db
    .prepare(
      'SELECT time_ms, value FROM recent WHERE series = ? AND time_ms >= ? AND time_ms < ? ORDER BY time_ms',
    )
    .all(series, from, to)
    .map((r) => [Number(r['time_ms']), Number(r['value'])] as const);
  let r = 0;
  const blocks = db
    .prepare(
      `SELECT data FROM blocks WHERE series = ? AND last_ms >= ? AND first_ms < ? ORDER BY first_ms`,
    )
    .iterate(series, from, to);
  for (const block of blocks) {
    const run = decodeBlock(block['data'] as Uint8Array);
    for (let i = 0; i < run.times.length; i++) {
      const time = run.times[i]!;
      if (time < from || time >= to) continue;
      while (r < recent.length && recent[r]![0] < time) visit(...recent[r++]!);
      if (r < recent.length && recent[r]![0] === time) visit(...recent[r++]!);
      else visit(time, run.values[i]!);
    }
  }
  while (r < recent.length) visit(...recent[r++]!);
}

/** A series' points in [from, to), in time order, as a run. */
export function readSeries(db: DatabaseSync, series: number, from: number, to: number): PointRun {
  const run: PointRun = { times: [], values: [] };
  eachPoint(db, series, from, to, (time, value) => {
    run.times.push(time);
    run.values.push(value);
  });
  return run;
}
