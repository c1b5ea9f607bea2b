import type { LoggerService } from '@nestjs/common';
import { asService, openInfrastructure, type Env, type Infrastructure } from '@twinlog/service-kit';
import { machinePhysicsFromModel, PLANT_TWIN_TYPES } from '@twinlog/plant-sim';
// The all-in-one composes the services themselves: it imports their start functions, as each
// service's own main.ts does, rather than re-wiring their modules (eslint allows it here only).
import { readAnomalyConfig, startAnomaly } from '@twinlog/app-anomaly';
import { startOnePortGateway, type ServiceName } from '@twinlog/app-gateway';
import { readIngestionConfig, startIngestion } from '@twinlog/app-ingestion';
import { readMaintenanceConfig, startMaintenance } from '@twinlog/app-maintenance';
import { startPlantSimulator, type RunningSimulator } from '@twinlog/app-plant-simulator';
import { readSimulationConfig, startSimulation } from '@twinlog/app-simulation';
import { readTwinStateConfig, startTwinState } from '@twinlog/app-twin-state';
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
 * The five services in this process, their HTTP APIs behind one port, and (unless switched off)
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
  const started: Closeable[] = [];
  const infras: Infrastructure[] = [];
  const shared =
    config.service.mode === 'embedded'
      ? await openInfrastructure(config.service, { service: 'twinlog' })
      : undefined;
  if (shared) infras.push(shared);
  const infraFor = async (
    service: string,
    options: { dedupeOnAppend?: boolean; indexedStreams?: ['twin-events'] },
  ) => {
    if (shared) return shared;
    const own = await openInfrastructure(config.service, {
      service: `twinlog-${service}`,
      ...options,
    });
    infras.push(own);
    return own;
  };
  // Each service listens on a loopback port of its own choosing; only the gateway's is public.
  const own = (prefix: string): Env => ({
    ...env,
    [`${prefix}_HTTP_HOST`]: '127.0.0.1',
    [`${prefix}_HTTP_PORT`]: '0',
  });
  try {
    const twinStateInfra = await infraFor('twin-state', {});
    const twinState = await asService('twin-state', () =>
      startTwinState(
        readTwinStateConfig(own('TWIN_STATE')),
        twinStateInfra,
        loggerFor('twin-state'),
      ),
    );
    started.push(twinState);
    const ingestionInfra = await infraFor('ingestion', { dedupeOnAppend: false });
    const ingestion = await asService('ingestion', () =>
      startIngestion(readIngestionConfig(own('INGESTION')), ingestionInfra, loggerFor('ingestion')),
    );
    started.push(ingestion);
    const anomalyInfra = await infraFor('anomaly', { indexedStreams: ['twin-events'] });
    const anomaly = await asService('anomaly', () =>
      startAnomaly(readAnomalyConfig(own('ANOMALY')), anomalyInfra, loggerFor('anomaly')),
    );
    started.push(anomaly);
    const maintenanceInfra = await infraFor('maintenance', { indexedStreams: ['twin-events'] });
    const maintenance = await asService('maintenance', () =>
      startMaintenance(
        readMaintenanceConfig(own('MAINTENANCE')),
        maintenanceInfra,
        loggerFor('maintenance'),
      ),
    );
    started.push(maintenance);
    const simulationInfra = await infraFor('simulation', { indexedStreams: ['twin-events'] });
    const simulation = await asService('simulation', () =>
      startSimulation(
        readSimulationConfig(own('SIMULATION')),
        simulationInfra,
        loggerFor('simulation'),
      ),
    );
    started.push(simulation);
    const upstreams: Record<ServiceName, string> = {
      'twin-state': twinState.url,
      ingestion: ingestion.url,
      anomaly: anomaly.url,
      maintenance: maintenance.url,
      simulation: simulation.url,
    };
    const gateway = await startOnePortGateway(
      upstreams,
      config.http.host,
      config.http.port,
      config.service.http,
    );
    started.push(gateway);
    const catalog = (shared ?? infras[0]!).catalog;
    const resumeAt = config.simulator ? await resumePoint(twinState.url) : undefined;
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
          speed: config.simulator.speed,
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

async function closeAll(started: Closeable[], infras: Infrastructure[]): Promise<void> {
  // Newest first: the gateway stops taking requests before the services behind it go.
  for (const service of [...started].reverse()) await service.close().catch(() => undefined);
  for (const infra of infras) await infra.close().catch(() => undefined);
}
