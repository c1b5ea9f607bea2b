import { ensureDashboardBuilt } from '@twinlog/app-dashboard';
import { shutdownOnSignals } from '@twinlog/service-kit';
import { readGatewayConfig } from './gateway.config';
import { startOnePortGateway } from './one-port-gateway';

/** The one-port gateway as its own process, in front of services that run on their own. */
async function main(): Promise<void> {
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  const config = readGatewayConfig(process.env);
  // The dashboard it serves at `/`: built here when missing or older than its sources.
  await ensureDashboardBuilt((line) => process.stdout.write(`${line}\n`));
  const gateway = await startOnePortGateway(
    config.upstreams,
    config.http.host,
    config.http.port,
    config.http.timeouts,
    config.http.allowedHosts,
  );
  const routes = Object.entries(config.upstreams)
    .map(([service, url]) => `${service}=${url}`)
    .join(' ');
  process.stdout.write(`gateway listening on ${gateway.url}, routing to ${routes}\n`);
  shutdownOnSignals([gateway]);
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
