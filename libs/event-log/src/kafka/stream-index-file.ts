import { rmSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { openLogDatabase } from '../sqlite-index/sqlite-schema';
import { prepareValiditySchema } from './stream-index-validity';

/** The stream index's database: the SQLite log schema and what ties it to its log. */
export function openIndexDatabase(path: string): DatabaseSync {
  const db = openLogDatabase(path);
  prepareValiditySchema(db);
  return db;
}

/**
 * Forgets everything: a new file (quicker than deleting millions of rows), or an empty memory
 * db. Returns the database to use from now on (the given one is closed when it was a file).
 */
export function wipeIndexDatabase(db: DatabaseSync, path: string): DatabaseSync {
  if (path === ':memory:') {
    db.exec(
      'DELETE FROM events; DELETE FROM consumer_offsets; DELETE FROM index_meta; DELETE FROM index_fingerprints;',
    );
    return db;
  }
  db.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  return openIndexDatabase(path);
}
