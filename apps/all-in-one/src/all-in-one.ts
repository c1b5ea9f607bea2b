import type { LoggerService } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  asService,
  checkAuthOffIsLoopback,
  openInfrastructure,
  prepareAccess,
  startService,
  type Env,
  type Infrastructure,
  type ServiceDefinition,
} from '@twinlog/service-kit';
import { machinePhysicsFromModel, PLANT_TWIN_TYPES } from '@twinlog/plant-sim';
// The all-in-one composes the services themselves: it imports their definitions, as each
// service's own main.ts does, rather than re-wiring their modules (eslint allows it here only).
import { alertingService, readAlertingConfig } from '@twinlog/app-alerting';
import { anomalyService, readAnomalyConfig } from '@twinlog/app-anomaly';
import { startOnePortGateway, type ServiceName } from '@twinlog/app-gateway';
import { ingestionService, readIngestionConfig } from '@twinlog/app-ingestion';
import { maintenanceService, readMaintenanceConfig } from '@twinlog/app-maintenance';
import { startPlantSimulator, type RunningSimulator } from '@twinlog/app-plant-simulator';
import { readSimulationConfig, simulationService } from '@twinlog/app-simulation';
import { readTwinStateConfig, twinStateService } from '@twinlog/app-twin-state';
import type { AllInOneConfig } from './config/all-in-one.config';
import { resumePoint } from './simulator/resume-point';

export interface RunningTwinlog {
  url: string;
  simulator: RunningSimulator | undefined;
  /** Stops the simulator, the gateway, then the services (each finishing its batch), then the log. */
  close(): Promise<void>;
}

interface Closeable {
  close(): Promise<void>;
}

/**
 * The six services in this process, their HTTP APIs behind one port, and (unless switched off)
 * the plant simulator feeding a sample plant through that port. In the embedded mode the
 * services share one embedded log and telemetry store; in the distributed mode each connects to
 * Kafka and InfluxDB on its own, as it would as its own process.
 */
export async function startAllInOne(
  config: AllInOneConfig,
  env: Env,
  loggerFor: (service: string) => LoggerService,
  log: (line: string) => void,
): Promise<RunningTwinlog> {
  // The services behind the gateway listen on loopback; the gateway is what the network reaches.
  checkAuthOffIsLoopback(config.service.auth, config.http.host);
  const started: Closeable[] = [];
  const infras: Infrastructure[] = [];
  const shared =
    config.service.mode === 'embedded'
      ? await openInfrastructure(config.service, { service: 'twinlog', store: true })
      : undefined;
  if (shared) infras.push(shared);
  // Each service listens on a loopback port of its own choosing; only the gateway's is public.
  // The gateway hands on browsers' Origin, so the services accept the names the gateway does.
  const own = (prefix: string): Env => ({
    ...env,
    [`${prefix}_HTTP_HOST`]: '127.0.0.1',
    [`${prefix}_HTTP_PORT`]: '0',
    TWINLOG_ALLOWED_HOSTS: config.http.allowedHosts.toSetting(),
  });
  // In start-up order: twin-state first, so the simulator's registrations find it.
  const definitions: ServiceDefinition[] = [
    twinStateService(readTwinStateConfig(own('TWIN_STATE'))),
    ingestionService(readIngestionConfig(own('INGESTION'))),
    anomalyService(readAnomalyConfig(own('ANOMALY'))),
    maintenanceService(readMaintenanceConfig(own('MAINTENANCE'))),
    simulationService(readSimulationConfig(own('SIMULATION'))),
    alertingService(readAlertingConfig(alertingEnv(config, own('ALERTING')))),
  ];
  try {
    // The first admin key is recorded before any service takes requests.
    let bootstrap: Infrastructure | undefined = shared;
    if (!bootstrap) {
      bootstrap = await openInfrastructure(config.service, {
        service: 'twinlog-access',
        store: false,
      });
      infras.push(bootstrap);
    }
    // `npm start` in either mode keeps its first admin key in its data directory.
    const adminKey = await prepareAccess(
      config.service,
      bootstrap.log,
      true,
      log,
      join(config.service.dataDir, 'admin.key'),
    );
    const apiKey = adminKey ? readFileSync(adminKey.file, 'utf8').trim() : undefined;
    const urls: Partial<Record<ServiceName, string>> = {};
    for (const definition of definitions) {
      // Distributed, each connects to Kafka (and InfluxDB, if it uses it) on its own, as its own
      // process would.
      const ports =
        shared ??
        (await openInfrastructure(config.service, {
          service: `twinlog-${definition.name}`,
          ...definition.logUse,
          store: definition.usesStore,
        }));
      if (ports !== shared) infras.push(ports);
      const running = await asService(definition.name, () =>
        startService(definition, ports, loggerFor(definition.name)),
      );
      started.push(running);
      urls[definition.name as ServiceName] = running.url;
    }
    const upstreams = urls as Record<ServiceName, string>;
    const gateway = await startOnePortGateway(
      upstreams,
      config.http.host,
      config.http.port,
      config.service.http,
      config.http.allowedHosts,
    );
    started.push(gateway);
    const catalog = (shared ?? infras[0]!).catalog;
    const resumeAt = config.simulator
      ? await resumePoint(upstreams['twin-state'], apiKey)
      : undefined;
    if (resumeAt !== undefined)
      log(
        `plant simulator resumes the plant at ${new Date(resumeAt).toISOString()}, after its last reading`,
      );
    const simulator = config.simulator
      ? startPlantSimulator({
          ...(resumeAt !== undefined && resumeAt < Date.now() ? { startMs: resumeAt } : {}),
          plant: {
            machines: config.simulator.machines,
            seed: config.simulator.seed,
            physics: machinePhysicsFromModel(catalog.get(PLANT_TWIN_TYPES.machine)),
          },
          target: gateway.url,
          twinState: gateway.url,
          register: true,
          ...(apiKey ? { apiKey } : {}),
          speed: config.simulator.speed,
          // As a plant gateway does: a second's readings per request, one event per twin.
          flushEveryMs: 1_000,
          log,
        })
      : undefined;
    return {
      url: gateway.url,
      simulator,
      close: async () => {
        await simulator?.stop();
        await closeAll(started, infras);
      },
    };
  } catch (error) {
    await closeAll(started, infras);
    throw error;
  }
}

/**
 * The embedded demo gets the default alert rule (every warning and above to every channel), so
 * a newcomer who adds a webhook sees deliveries within minutes; distributed, an installation
 * sets its own rules. ALERTING_DEFAULT_RULE in the environment still decides either way.
 */
function alertingEnv(config: AllInOneConfig, env: Env): Env {
  const embedded = config.service.mode === 'embedded';
  return {
    ...env,
    ALERTING_DEFAULT_RULE: env['ALERTING_DEFAULT_RULE'] ?? (embedded ? 'on' : 'off'),
  };
}

async function closeAll(started: Closeable[], infras: Infrastructure[]): Promise<void> {
  // Newest first: the gateway stops taking requests before the services behind it go.
  for (const service of [...started].reverse()) await service.close().catch(() => undefined);
  for (const infra of infras) await infra.close().catch(() => undefined);
}
