import { openInfrastructure, serviceLogger, shutdownOnSignals } from '@twinlog/service-kit';
import { startAnomaly } from './anomaly.app';
import { readAnomalyConfig } from './config/anomaly.config';

/** An anomaly worker as its own process; run as many as there are telemetry partitions. */
async function main(): Promise<void> {
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  const config = readAnomalyConfig(process.env);
  const infra = await openInfrastructure(config.service, {
    service: 'twinlog-anomaly',
    // Its findings have deterministic ids: the log refuses a second copy. It never reads a
    // twin's telemetry stream, so its index follows twin-events only.
    dedupeOnAppend: true,
    indexedStreams: ['twin-events'],
  });
  const running = await startAnomaly(
    config,
    infra,
    serviceLogger('anomaly', config.service.logFormat),
  );
  process.stdout.write(
    `anomaly worker listening on ${running.url} (${config.service.mode} mode, group ${config.group})\n`,
  );
  shutdownOnSignals([running, infra]);
}

main().catch((error: unknown) => {
  process.stderr.write(`anomaly worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
