import { homedir } from 'node:os';
import { join } from 'node:path';

/** Downloads and builds are cached outside the repo so a second run on a machine is fast. */
export function cacheDir(...parts: string[]): string {
  const base = process.env['TWINLOG_CACHE_DIR'] || join(homedir(), '.cache', 'twinlog');
  return join(base, ...parts);
}

/** The repository root, found from this file's location (libs/testing/src/infra). */
export function repoRoot(): string {
  return join(__dirname, '..', '..', '..', '..');
}
