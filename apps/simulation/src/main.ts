import { openInfrastructure, serviceLogger, shutdownOnSignals } from '@twinlog/service-kit';
import { readSimulationConfig } from './config/simulation.config';
import { startSimulation } from './simulation.app';

/** The simulation service as its own process. */
async function main(): Promise<void> {
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  const config = readSimulationConfig(process.env);
  // Runs read twins' twin-events only (readings come from the telemetry store): the Kafka
  // adapter's local index need not follow the telemetry volume.
  const infra = await openInfrastructure(config.service, {
    service: 'twinlog-simulation',
    indexedStreams: ['twin-events'],
  });
  const running = await startSimulation(
    config,
    infra,
    serviceLogger('simulation', config.service.logFormat),
  );
  process.stdout.write(`simulation listening on ${running.url} (${config.service.mode} mode)\n`);
  shutdownOnSignals([running, infra]);
}

main().catch((error: unknown) => {
  process.stderr.write(`simulation failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
