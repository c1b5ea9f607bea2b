import { openInfrastructure, serviceLogger, shutdownOnSignals } from '@twinlog/service-kit';
import { readMaintenanceConfig } from './config/maintenance.config';
import { startMaintenance } from './maintenance.app';

/** The maintenance service as its own process. */
async function main(): Promise<void> {
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  const config = readMaintenanceConfig(process.env);
  const infra = await openInfrastructure(config.service, {
    service: 'twinlog-maintenance',
    // It de-duplicates its own predictions by id, and reads no twin's telemetry one by one.
    dedupeOnAppend: true,
    indexedStreams: ['twin-events'],
  });
  const running = await startMaintenance(
    config,
    infra,
    serviceLogger('maintenance', config.service.logFormat),
  );
  process.stdout.write(`maintenance listening on ${running.url} (${config.service.mode} mode)\n`);
  shutdownOnSignals([running, infra]);
}

main().catch((error: unknown) => {
  process.stderr.write(`maintenance failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
