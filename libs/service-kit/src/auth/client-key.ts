import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../config/env-parsing';

/** Where the embedded `npm start` writes its first admin key (see ensureBootstrapKey). */
export function adminKeyFile(env: Env): string {
  const dataDir = env['TWINLOG_DATA_DIR'] ?? join(homedir(), '.local', 'share', 'twinlog');
  return join(dataDir, 'admin.key');
}

/**
 * The API key a client on this machine (the CLI, the plant simulator) sends: `TWINLOG_API_KEY`,
 * else the file `TWINLOG_API_KEY_FILE` names, else the admin key the embedded `npm start` wrote
 * into its data directory, so that a newcomer types nothing. Undefined when there is none.
 */
export function findApiKey(env: Env): string | undefined {
  const given = env['TWINLOG_API_KEY']?.trim();
  if (given) return given;
  const file = env['TWINLOG_API_KEY_FILE'] ?? adminKeyFile(env);
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8').trim() || undefined;
}
