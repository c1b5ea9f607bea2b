import { ensureDashboardBuilt } from '@twinlog/app-dashboard';
import { shutdownOnSignals } from '@twinlog/service-kit';
import { readDistributedConfig } from './distributed.config';
import { runDistributed } from './run-distributed';

/** `npm run start:distributed`: the real topology on one machine (docs/running.md). */
async function main(): Promise<void> {
  // main is where the environment enters: the launcher's settings, and the services' passed on.
  const env = process.env;
  const config = readDistributedConfig(env);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  // The gateway (in this process) serves the dashboard: built first when missing or stale.
  await ensureDashboardBuilt(log);
  const running = await runDistributed({ env, ...config, log });
  log(
    [
      '',
      'Twinlog is running (local distributed mode: each service its own process)',
      `  Web      ${running.url}/   the dashboard`,
      `  API      ${running.url}   e.g. curl ${running.url}/v1/twins`,
      `  Anomaly  two workers sharing the telemetry partitions: ${running.workers.map((w) => `${w}/v1/worker`).join(' and ')}`,
      ...(config.twinStateReplicas > 1
        ? [
            `  Twins    ${config.twinStateReplicas} twin-state replicas sharing the partitions (TWINLOG_TWIN_STATE_REPLICAS)`,
          ]
        : []),
      `  Servers  ${Object.entries(running.serversEnv)
        .filter(([k]) => !k.includes('TOKEN'))
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
      `  Data     ${config.dataDir} (each service's own directory)`,
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
