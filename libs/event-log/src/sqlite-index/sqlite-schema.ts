import { DatabaseSync } from 'node:sqlite';
import type { NewEvent } from '@twinlog/domain';

/**
 * The SQLite log schema both adapters use: the embedded log's store, and the Kafka adapter's
 * local per-twin stream index (a cache of its topics). One table per concern. `events` mirrors
 * Kafka's coordinates (stream, partition, offset) so replay and revisions behave alike in both
 * modes; the id is unique, which makes append idempotent.
 */
const SCHEMA = `
-- Set before the first table (a file made earlier keeps its own): pages freed by retention can
-- be given back to the file system (PRAGMA incremental_vacuum), not only reused.
PRAGMA auto_vacuum = INCREMENTAL;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
-- A checkpoint every 1 MB of WAL, which is then cut back to 1 MB: the WAL's 4 MB default stayed on
-- disk for good, most of a small data directory (docs/sizing.md).
PRAGMA wal_autocheckpoint = 256;
PRAGMA journal_size_limit = 1048576;
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS events (
  stream TEXT NOT NULL,
  partition INTEGER NOT NULL,
  "offset" INTEGER NOT NULL,
  id TEXT NOT NULL UNIQUE,
  twin_id TEXT NOT NULL,
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  occurred_at_ms INTEGER NOT NULL,
  recorded_at_ms INTEGER NOT NULL,
  body TEXT NOT NULL,
  -- A rowid table: rows carry whole events (1-2 kB), and WITHOUT ROWID stores them inside the
  -- key's b-tree, which made inserts 2.5x slower (14,800 vs 37,800 rows/s, measured).
  UNIQUE (stream, partition, "offset")
);
CREATE INDEX IF NOT EXISTS events_by_twin ON events (twin_id, stream, "offset");
CREATE INDEX IF NOT EXISTS events_by_record_time ON events (stream, recorded_at_ms);
CREATE TABLE IF NOT EXISTS consumer_offsets (
  group_id TEXT NOT NULL,
  stream TEXT NOT NULL,
  partition INTEGER NOT NULL,
  next_offset INTEGER NOT NULL,
  PRIMARY KEY (group_id, stream, partition)
);
CREATE TABLE IF NOT EXISTS dead_letters (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  consumer TEXT NOT NULL,
  code TEXT NOT NULL,
  reason TEXT NOT NULL,
  source TEXT NOT NULL,
  payload TEXT NOT NULL,
  payload_bytes INTEGER
);
CREATE INDEX IF NOT EXISTS dead_letters_by_code ON dead_letters (code, seq);
CREATE INDEX IF NOT EXISTS dead_letters_by_time ON dead_letters (at);
CREATE TABLE IF NOT EXISTS dead_letter_replays (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshots (
  twin_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  next TEXT NOT NULL,
  taken_at TEXT NOT NULL
);
-- API keys (issue 18): the latest record per key id, as JSON (the secret's hash, never the secret).
CREATE TABLE IF NOT EXISTS access_keys (
  key_id TEXT PRIMARY KEY,
  body TEXT NOT NULL
);
-- Retention of the embedded log's raw telemetry (docs/adr/0024): the window kept whole, and the
-- events older than it kept because they still hold a twin's current value of a property.
CREATE TABLE IF NOT EXISTS retention (
  stream TEXT PRIMARY KEY,
  kept_from_ms INTEGER NOT NULL,
  below_offset INTEGER NOT NULL,
  deleted_to INTEGER NOT NULL,
  cutoff_ms INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS retained_readings (
  twin_id TEXT NOT NULL,
  property TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  "offset" INTEGER NOT NULL,
  PRIMARY KEY (twin_id, property)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS retained_by_offset ON retained_readings ("offset");
-- Documents any instance reads (issue 25: simulation jobs), the latest per key, as JSON.
CREATE TABLE IF NOT EXISTS documents (
  store TEXT NOT NULL,
  key TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (store, key)
);
`;

/**
 * How hard a commit waits for the disk (SQLite's `synchronous`, in WAL mode). normal: a commit
 * survives a process crash (kill -9), but a power cut or OS crash may lose the last commits
 * since the WAL was last synced. full: every commit is synced first, so it survives both.
 */
export type EmbeddedSync = 'normal' | 'full';

/** Opens (creating if needed) a durable log file; ':memory:' for throwaway use. */
export function openLogDatabase(path: string, sync: EmbeddedSync = 'normal'): DatabaseSync {
  const db = new DatabaseSync(path);
  addMissingColumns(db);
  db.exec(SCHEMA);
  db.exec(`PRAGMA synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'};`);
  return db;
}

/** Columns added after a table's first release: a file written before them gets them. */
function addMissingColumns(db: DatabaseSync): void {
  const table = db.prepare(
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'dead_letters'",
  );
  if (!table.get()) return;
  const columns = db
    .prepare('PRAGMA table_info(dead_letters)')
    .all()
    .map((c) => c['name']);
  if (!columns.includes('payload_bytes'))
    db.exec('ALTER TABLE dead_letters ADD COLUMN payload_bytes INTEGER');
}

/** Runs `work` in one write transaction: all of it is durable, or none. */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/** The indexed columns of an event row (besides its position and body). */
export interface EventRow {
  id: string;
  twinId: string;
  type: string;
  schemaVersion: number;
  occurredAtMs: number;
  recordedAtMs: number;
}

type Position = { stream: string; partition: number; offset: number };

/** JSON text, or (in the Kafka index) a message's bytes as they were on the topic. */
export type StoredBody = string | Uint8Array;

/** Stores one event at its log position; `ignoreDuplicates` keeps the first copy of an id. */
export function prepareEventInsert(
  db: DatabaseSync,
  ignoreDuplicates: boolean,
): (position: Position, event: NewEvent, body: StoredBody) => void {
  const insertRow = prepareRowInsert(db, ignoreDuplicates);
  return (position, event, body) =>
    insertRow(
      position,
      {
        id: event.id,
        twinId: event.twinId,
        type: event.type,
        schemaVersion: event.schemaVersion,
        occurredAtMs: Date.parse(event.occurredAt),
        recordedAtMs: Date.parse(event.recordedAt),
      },
      body,
    );
}

/** Stores an event row from its columns: the stream index's path, which skips parsing the body. */
export function prepareRowInsert(
  db: DatabaseSync,
  ignoreDuplicates: boolean,
): (position: Position, row: EventRow, body: StoredBody) => void {
  const insert = db.prepare(
    `INSERT ${ignoreDuplicates ? 'OR IGNORE ' : ''}INTO events
       (stream, partition, "offset", id, twin_id, type, schema_version, occurred_at_ms, recorded_at_ms, body)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return (position, row, body) => {
    insert.run(
      position.stream,
      position.partition,
      position.offset,
      row.id,
      row.twinId,
      row.type,
      row.schemaVersion,
      row.occurredAtMs,
      row.recordedAtMs,
      body,
    );
  };
}
