import type { DatabaseSync } from 'node:sqlite';
import type { Snapshot, SnapshotStore } from '../event-log.port';
import { inTransaction } from '../sqlite-index/sqlite-schema';

/** The latest snapshot per twin (older ones are replaced, as a compacted Kafka topic keeps the latest per key). */
export class SqliteSnapshotStore implements SnapshotStore {
  constructor(private readonly db: DatabaseSync) {}

  async save(snapshots: Snapshot[]): Promise<void> {
    const upsert = this.db.prepare(
      `INSERT INTO snapshots (twin_id, state, next, taken_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (twin_id) DO UPDATE SET state = excluded.state, next = excluded.next, taken_at = excluded.taken_at`,
    );
    inTransaction(this.db, () => {
      for (const s of snapshots)
        upsert.run(s.twinId, JSON.stringify(s.state), JSON.stringify(s.next), s.takenAt);
    });
  }

  async loadLatest(twinId: string): Promise<Snapshot | undefined> {
    const row = this.db.prepare('SELECT * FROM snapshots WHERE twin_id = ?').get(twinId);
    return row ? toSnapshot(row) : undefined;
  }

  async *loadAll(): AsyncIterable<Snapshot> {
    for (const row of this.db.prepare('SELECT * FROM snapshots ORDER BY twin_id').iterate())
      yield toSnapshot(row);
  }
}

function toSnapshot(row: Record<string, unknown>): Snapshot {
  return {
    twinId: String(row['twin_id']),
    state: JSON.parse(String(row['state'])),
    next: JSON.parse(String(row['next'])),
    takenAt: String(row['taken_at']),
  };
}
