import { homedir } from 'node:os';
import { join } from 'node:path';
import { shutdownOnSignals } from '@twinlog/event-log';
import { runDistributed } from './run-distributed';

/** `npm run start:distributed`: the real topology on one machine (docs/running.md). */
async function main(): Promise<void> {
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  const env = process.env;
  const port = Number(env['TWINLOG_HTTP_PORT'] ?? 8080);
  const dataDir =
    env['TWINLOG_DATA_DIR'] ?? join(homedir(), '.local', 'share', 'twinlog-distributed');
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const simulate = (env['TWINLOG_SIMULATOR'] ?? 'on') !== 'off';
  const running = await runDistributed({
    env,
    gatewayPort: port,
    dataDir,
    simulator: simulate
      ? {
          machines: Number(env['TWINLOG_SIMULATOR_MACHINES'] ?? 3),
          speed: Number(env['TWINLOG_SIMULATOR_SPEED'] ?? 10),
          mqtt: env['TWINLOG_SIMULATOR_INPUT'] === 'mqtt',
        }
      : undefined,
    log,
  });
  log(
    [
      '',
      'Twinlog is running (local distributed mode: each service its own process)',
      `  API      ${running.url}   e.g. curl ${running.url}/v1/twins`,
      `  Anomaly  two workers sharing the telemetry partitions: ${running.workers.map((w) => `${w}/v1/worker`).join(' and ')}`,
      `  Servers  ${Object.entries(running.serversEnv)
        .filter(([k]) => !k.includes('TOKEN'))
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
      `  Data     ${dataDir} (each service's own directory)`,
      '  Stop     Ctrl-C: the simulator, the gateway, then each service finishes its work and stops',
      '',
    ].join('\n'),
  );
  shutdownOnSignals([running], { timeoutMs: 60_000, log });
}

main().catch((error: unknown) => {
  process.stderr.write(`Twinlog (distributed) failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
