import { openInfrastructure, serviceLogger, shutdownOnSignals } from '@twinlog/service-kit';
import { readIngestionConfig } from './config/ingestion.config';
import { startIngestion } from './ingestion.app';

/** The ingestion service as its own process (distributed mode, or embedded on its own). */
async function main(): Promise<void> {
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  const config = readIngestionConfig(process.env);
  const infra = await openInfrastructure(config.service, {
    service: 'twinlog-ingestion',
    dedupeOnAppend: false,
  });
  const running = await startIngestion(
    config,
    infra,
    serviceLogger('ingestion', config.service.logFormat),
  );
  process.stdout.write(`ingestion listening on ${running.url} (${config.service.mode} mode)\n`);
  shutdownOnSignals([running, infra]);
}

main().catch((error: unknown) => {
  process.stderr.write(`ingestion failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
