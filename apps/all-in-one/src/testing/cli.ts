import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, tsRunner } from '@twinlog/testing';

/** Runs the `twinlog` CLI (its source, as `npx twinlog` does) against a running Twinlog. */
export function twinlogCli(
  url: string,
  args: string[],
  env: Record<string, string> = {},
): { code: number | null; out: string; err: string } {
  const result = spawnSync(
    process.execPath,
    [...tsRunner(), join(repoRoot(), 'apps', 'cli', 'src', 'main.ts'), ...args],
    {
      cwd: repoRoot(),
      encoding: 'utf8',
      timeout: 120_000,
      // eslint-disable-next-line no-restricted-syntax -- the child inherits PATH
      env: { ...process.env, TWINLOG_URL: url, ...env },
    },
  );
  return { code: result.status, out: result.stdout, err: result.stderr };
}
