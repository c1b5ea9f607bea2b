import type { DatabaseSync } from 'node:sqlite';
import type { AccessKeyRecord } from '@twinlog/domain';
import type { AccessKeyStore } from '../event-log.port';
import { latestAccessKeys, storableAccessKey } from '../shared/access-key-records';

/**
 * API keys in the log's file, one row per key id (a revocation replaces the row, as the
 * compacted Kafka topic keeps the latest per key). Each put commits on the log's connection, so
 * it is as durable as the log's `synchronous` setting; each read queries the file, so another
 * connection's writes show.
 */
export class SqliteAccessKeyStore implements AccessKeyStore {
  constructor(
    private readonly db: DatabaseSync,
    private readonly warn: (message: string) => void,
  ) {}

  async put(record: AccessKeyRecord): Promise<void> {
    const valid = storableAccessKey(record);
    this.db
      .prepare(
        `INSERT INTO access_keys (key_id, body) VALUES (?, ?)
         ON CONFLICT (key_id) DO UPDATE SET body = excluded.body`,
      )
      .run(valid.keyId, JSON.stringify(valid));
  }

  async all(): Promise<AccessKeyRecord[]> {
    const rows = this.db.prepare('SELECT key_id, body FROM access_keys').all();
    return latestAccessKeys(
      rows.map((row) => ({
        key: String(row['key_id']),
        value: String(row['body']),
        where: 'the access_keys table',
      })),
      this.warn,
    );
  }
}
