import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_OUT_DIR, hashInputs } from './build-inputs';
import { buildDashboard } from './dashboard-build';
import { staleness } from './staleness';

/**
 * Builds the dashboard when dist/dashboard is missing or older than its sources (`npm start`,
 * `npm run start:distributed`, the gateway's main), saying what it did and how long it took.
 * A failed build is reported and the start goes on: the API works, and `/` says how to build.
 */
export async function ensureDashboardBuilt(
  log: (line: string) => void,
  outDir: string = DEFAULT_OUT_DIR,
): Promise<'fresh' | 'built' | 'failed'> {
  const started = performance.now();
  const stampFile = join(outDir, 'build-stamp.json');
  const verdict = staleness(
    existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : undefined,
    hashInputs(),
    (file) => existsSync(join(outDir, file)),
  );
  if (!verdict.stale) {
    log(`Dashboard: up to date in ${outDir} (checked in ${elapsed(started)})`);
    return 'fresh';
  }
  log(`Dashboard: building into ${outDir} (${verdict.reason})...`);
  try {
    const built = await buildDashboard(outDir);
    log(`Dashboard: built in ${elapsed(started)} (${Math.round(built.ms)} ms bundling)`);
    return 'built';
  } catch (error) {
    log(
      `Dashboard: the build failed, the API runs without it (npm run build:dashboard to see why): ${(error as Error).message.split('\n')[0]}`,
    );
    return 'failed';
  }
}

function elapsed(since: number): string {
  return `${Math.round(performance.now() - since)} ms`;
}
