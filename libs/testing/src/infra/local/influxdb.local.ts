import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { InfluxSettings } from '../infra-settings';
import type { ProvisionedServer, StartOptions } from '../provisioned-server';
import { cacheDir, repoRoot } from '../cache-dir';
import { freePort } from '../ports';
import { runScript } from '../run-script';
import { ServerProcess, waitUntilReady } from '../server-process';
import { bucketScopedToken, onboardInflux } from './influxdb-onboarding';
import { portAgain, readKept, writeKept } from './kept-settings';

/**
 * Starts a real InfluxDB 2.x `influxd`, built from source by tools/infra/influxdb/build-influxd.sh
 * (no registry ships the binary) and cached under ~/.cache/twinlog/influxdb/<version>.
 */
export async function startLocalInflux(
  options: StartOptions,
): Promise<ProvisionedServer<InfluxSettings>> {
  const script = join(repoRoot(), 'tools', 'infra', 'influxdb', 'build-influxd.sh');
  const binary = await runScript(script, { TWINLOG_CACHE_DIR: cacheDir() }, options.progress);
  const dataDir = join(options.workDir, 'influxdb-data');
  // Kept data was onboarded on its first run, with the token kept beside it.
  const kept =
    options.keepData && existsSync(join(dataDir, 'influxd.bolt'))
      ? readKept<InfluxSettings>(options.workDir, 'influxdb-settings')
      : undefined;
  const port = kept ? await portAgain(Number(new URL(kept.url).port)) : await freePort();
  mkdirSync(dataDir, { recursive: true });
  const launch = () =>
    ServerProcess.start({
      name: 'InfluxDB',
      command: binary,
      args: [
        '--bolt-path',
        join(dataDir, 'influxd.bolt'),
        '--sqlite-path',
        join(dataDir, 'influxd.sqlite'),
        '--engine-path',
        join(dataDir, 'engine'),
        '--http-bind-address',
        `127.0.0.1:${port}`,
        '--reporting-disabled',
        '--ui-disabled',
        '--log-level',
        'warn',
      ],
      // influxd reads INFLUXD_* variables as flags and config files from its working directory:
      // none of a user's may leak into a test server.
      env: { ...withoutInfluxdVariables(process.env), INFLUXD_CONFIG_PATH: dataDir },
      cwd: dataDir,
      // influxd shuts down cleanly on SIGINT only (SIGTERM kills it without its shutdown).
      stopSignal: 'SIGINT',
      logFile: join(options.workDir, 'influxd.log'),
      detached: options.detached,
    });
  const url = `http://127.0.0.1:${port}`;
  const ready = (started: ServerProcess) =>
    waitUntilReady(started, async () => (await fetch(`${url}/health`)).ok, 60_000);
  let server = launch();
  await ready(server);
  let settings: InfluxSettings = kept
    ? { ...kept, url }
    : { url, token: randomBytes(24).toString('hex'), org: 'twinlog', bucket: 'telemetry' };
  if (!kept) {
    await onboardInflux(settings);
    // Twinlog gets a token for its bucket, not the operator's (which stays in the server's data).
    settings = { ...settings, token: await bucketScopedToken(settings) };
  }
  if (options.keepData) writeKept(options.workDir, 'influxdb-settings', settings);
  return {
    settings,
    source: 'local',
    description: `InfluxDB at ${url} (local influxd, log: ${server.logFile})`,
    get pids() {
      return [server.pid];
    },
    stopSignal: 'SIGINT',
    stop: () => server.stop(15_000),
    // The same data and port again, after a clean stop or a SIGKILL (fault tests).
    restart: async (whileDown?: () => Promise<void>, how: 'stop' | 'kill' = 'stop') => {
      await (how === 'kill' ? server.kill() : server.stop(15_000));
      try {
        await whileDown?.();
      } finally {
        server = launch();
        await ready(server);
      }
    },
  };
}

function withoutInfluxdVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const cleared: NodeJS.ProcessEnv = {};
  for (const key of Object.keys(env)) if (key.startsWith('INFLUXD_')) cleared[key] = undefined;
  return cleared;
}
