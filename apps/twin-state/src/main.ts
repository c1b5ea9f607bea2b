import { openInfrastructure, serviceLogger, shutdownOnSignals } from '@twinlog/service-kit';
import { readTwinStateConfig } from './config/twin-state.config';
import { startTwinState } from './twin-state.app';

/** The twin-state service as its own process. */
async function main(): Promise<void> {
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  const config = readTwinStateConfig(process.env);
  const infra = await openInfrastructure(config.service, { service: 'twinlog-twin-state' });
  const running = await startTwinState(
    config,
    infra,
    serviceLogger('twin-state', config.service.logFormat),
  );
  process.stdout.write(`twin-state listening on ${running.url} (${config.service.mode} mode)\n`);
  shutdownOnSignals([running, infra]);
}

main().catch((error: unknown) => {
  process.stderr.write(`twin-state failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
