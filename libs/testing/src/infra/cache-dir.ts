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

/**
 * The node arguments that run a TypeScript entry point, as every Twinlog process runs:
 * tools/dev/register.cjs (swc's output kept on disk, so a warm process never loads a compiler).
 */
export function tsRunner(): string[] {
  return ['-r', join(repoRoot(), 'tools', 'dev', 'register.cjs')];
}
