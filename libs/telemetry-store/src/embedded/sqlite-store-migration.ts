import type { DatabaseSync } from 'node:sqlite';

/**
 * A store written before issue 26 kept a row per point with its names (`telemetry`, 70 bytes
 * a point): its points move into the series and recent rows, once, at the first open, and are
 * sealed into blocks as they are next written to (the count starts from them).
 */
export function migrateRowsTable(db: DatabaseSync, log: (line: string) => void): void {
  const old = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'telemetry'")
    .get();
  if (!old) return;
  const started = Date.now();
  log('telemetry store: moving its points to the compact layout, once (the service starts after)');
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(`INSERT OR IGNORE INTO series (twin_id, property, twin_type, site)
      SELECT twin_id, property, max(twin_type), max(site) FROM telemetry GROUP BY twin_id, property`);
    const moved = db
      .prepare(
        `INSERT OR REPLACE INTO recent (series, time_ms, value)
         SELECT s.id, t.time_ms, t.value FROM telemetry t JOIN series s USING (twin_id, property)`,
      )
      .run().changes;
    db.prepare('UPDATE point_count SET points = points + ?').run(moved);
    db.exec('DROP TABLE telemetry');
    db.exec('COMMIT');
    log(
      `telemetry store: ${moved} points moved to the compact layout in ${Date.now() - started} ms`,
    );
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
