import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqliteEventLog } from '@twinlog/event-log';
import type { SqliteTelemetryStore } from '@twinlog/telemetry-store';
import { readServiceConfig } from './config/service.config';
import { openInfrastructure } from './open-infrastructure';

/** SQLite's `synchronous` of each embedded file, as the open connections report it (1 normal, 2 full). */
async function levels(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'twinlog-sync-'));
  const infra = await openInfrastructure(readServiceConfig({ TWINLOG_DATA_DIR: dataDir, ...env }), {
    service: 'sync-test',
    store: true,
  });
  try {
    const log = infra.log as SqliteEventLog;
    return {
      log: Number(log.db.prepare('PRAGMA synchronous').get()?.['synchronous']),
      store: (infra.store as SqliteTelemetryStore).synchronousLevel,
    };
  } finally {
    await infra.close();
  }
}

describe('embedded durability (TWINLOG_EMBEDDED_SYNC)', () => {
  it('opens the log at synchronous NORMAL by default and FULL when asked; telemetry is always FULL', async () => {
    expect(await levels({})).toEqual({ log: 1, store: 2 });
    expect(await levels({ TWINLOG_EMBEDDED_SYNC: 'full' })).toEqual({ log: 2, store: 2 });
  });
});
