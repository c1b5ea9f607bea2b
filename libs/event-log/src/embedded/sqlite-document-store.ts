import type { DatabaseSync } from 'node:sqlite';
import type { DocumentStore } from '../event-log.port';

/**
 * Documents in the log's file, one row per key of a named store: each put commits on the log's
 * connection (as durable as the log), and each read queries the file, so another connection's
 * writes show.
 */
export class SqliteDocumentStore implements DocumentStore {
  constructor(
    private readonly db: DatabaseSync,
    private readonly store: string,
    private readonly warn: (message: string) => void,
  ) {}

  async put(key: string, document: unknown): Promise<void> {
    if (key.length === 0) throw new Error('document key: empty');
    if (document === null || document === undefined)
      throw new Error(`document ${key}: null is not a document (delete it instead)`);
    this.db
      .prepare(
        `INSERT INTO documents (store, key, body) VALUES (?, ?, ?)
         ON CONFLICT (store, key) DO UPDATE SET body = excluded.body`,
      )
      .run(this.store, key, JSON.stringify(document));
  }

  async delete(key: string): Promise<void> {
    this.db.prepare('DELETE FROM documents WHERE store = ? AND key = ?').run(this.store, key);
  }

  async get(key: string): Promise<unknown> {
    const row = this.db
      .prepare('SELECT body FROM documents WHERE store = ? AND key = ?')
      .get(this.store, key);
    if (!row) return undefined;
    try {
      return JSON.parse(String(row['body']));
    } catch (error) {
      this.warn(
        `the documents table (${this.store}): ${key} left out, unreadable: ${(error as Error).message}`,
      );
      return undefined;
    }
  }

  async all(): Promise<Map<string, unknown>> {
    const documents = new Map<string, unknown>();
    const rows = this.db.prepare('SELECT key, body FROM documents WHERE store = ?').all(this.store);
    for (const row of rows) {
      try {
        documents.set(String(row['key']), JSON.parse(String(row['body'])));
      } catch (error) {
        this.warn(
          `the documents table (${this.store}): ${String(row['key'])} left out, unreadable: ${(error as Error).message}`,
        );
      }
    }
    return documents;
  }
}
