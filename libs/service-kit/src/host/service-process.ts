import type { ServiceConfig } from '../config/service.config';
import { shutdownOnSignals } from '../lifecycle/shutdown-on-signals';
import { serviceLogger } from '../logging/structured-logger';
import { openInfrastructure } from '../open-infrastructure';
import { prepareAccess } from '../auth/prepare-access';
import type { ServiceDefinition } from './service-definition';
import { startService } from './start-service';

/**
 * A service as its own process (each app's main.ts): it opens the ports the service uses, starts
 * it, says where it listens, and stops it cleanly on SIGTERM or SIGINT. `read` reads the
 * service's settings from the environment; a bad setting ends the process with its message.
 */
export function runServiceProcess(
  name: string,
  read: () => { definition: ServiceDefinition; settings: ServiceConfig; note?: string },
): void {
  const main = async (): Promise<void> => {
    const { definition, settings, note } = read();
    const infra = await openInfrastructure(settings, {
      service: `twinlog-${definition.name}`,
      ...definition.logUse,
      store: definition.usesStore,
    });
    // A pod's bootstrap key comes from a mounted Secret: it must exist, never be made here.
    await prepareAccess(settings, infra.log, settings.mode === 'embedded', (line) =>
      process.stdout.write(`${line}\n`),
    );
    const running = await startService(
      definition,
      infra,
      serviceLogger(definition.name, settings.logFormat),
    ).catch(async (error: unknown) => {
      await infra.close().catch(() => undefined);
      throw error;
    });
    process.stdout.write(
      `${definition.name} listening on ${running.url} (${settings.mode} mode${note ? `, ${note}` : ''})\n`,
    );
    shutdownOnSignals([running, infra]);
  };
  main().catch((error: unknown) => {
    process.stderr.write(`${name} failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
