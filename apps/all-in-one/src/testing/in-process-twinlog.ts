import type { INestApplication, LoggerService } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAlertingConfig, startAlerting } from '@twinlog/app-alerting';
import { readAnomalyConfig, startAnomaly } from '@twinlog/app-anomaly';
import { readIngestionConfig, startIngestion } from '@twinlog/app-ingestion';
import { readMaintenanceConfig, startMaintenance } from '@twinlog/app-maintenance';
import { readSimulationConfig, startSimulation } from '@twinlog/app-simulation';
import { readTwinStateConfig, startTwinState } from '@twinlog/app-twin-state';
import {
  openInfrastructure,
  type Env,
  type HttpTimeouts,
  type Infrastructure,
} from '@twinlog/service-kit';
import { startOnePortGateway, type ServiceName } from '@twinlog/app-gateway';

export interface InProcessTwinlog {
  /** The one port, as `npm start` serves it. */
  url: string;
  /** Each service's own base URL, behind the gateway. */
  services: Record<ServiceName, string>;
  /** Each service's Nest app (to list its routes). */
  apps: Record<ServiceName, INestApplication>;
  /** The shared embedded log and store (to read dead letters). */
  infra: Infrastructure;
  close(): Promise<void>;
}

/**
 * The six services and the gateway in this process on one embedded log in a temp directory,
 * without the plant simulator: the embedded mode's HTTP surface for tests that probe it.
 */
export async function startInProcessTwinlog(
  options: {
    env?: Env;
    gatewayTimeouts?: Partial<HttpTimeouts>;
    /** Each service's logger; none by default. */
    loggerFor?: (service: string) => LoggerService;
  } = {},
): Promise<InProcessTwinlog> {
  const base: Env = {
    TWINLOG_MODE: 'embedded',
    // Other tests cover authentication; this one runs on loopback without it.
    TWINLOG_AUTH: 'off',
    TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'twinlog-http-')),
    ...options.env,
  };
  const own = (prefix: string): Env => ({
    ...base,
    [`${prefix}_HTTP_HOST`]: '127.0.0.1',
    [`${prefix}_HTTP_PORT`]: '0',
  });
  const logger = (service: string) => options.loggerFor?.(service) ?? false;
  const twinStateConfig = readTwinStateConfig(own('TWIN_STATE'));
  const infra = await openInfrastructure(twinStateConfig.service, {
    service: 'http-test',
    store: true,
  });
  const closers: Array<() => Promise<void>> = [];
  try {
    const twinState = await startTwinState(twinStateConfig, infra, logger('twin-state'));
    closers.push(() => twinState.close());
    const ingestion = await startIngestion(
      readIngestionConfig(own('INGESTION')),
      infra,
      logger('ingestion'),
    );
    closers.push(() => ingestion.close());
    const anomaly = await startAnomaly(readAnomalyConfig(own('ANOMALY')), infra, logger('anomaly'));
    closers.push(() => anomaly.close());
    const maintenance = await startMaintenance(
      readMaintenanceConfig(own('MAINTENANCE')),
      infra,
      logger('maintenance'),
    );
    closers.push(() => maintenance.close());
    const simulation = await startSimulation(
      readSimulationConfig(own('SIMULATION')),
      infra,
      logger('simulation'),
    );
    closers.push(() => simulation.close());
    const alerting = await startAlerting(
      readAlertingConfig(own('ALERTING')),
      infra,
      logger('alerting'),
    );
    closers.push(() => alerting.close());
    const services: Record<ServiceName, string> = {
      'twin-state': twinState.url,
      ingestion: ingestion.url,
      anomaly: anomaly.url,
      maintenance: maintenance.url,
      simulation: simulation.url,
      alerting: alerting.url,
    };
    const gateway = await startOnePortGateway(services, '127.0.0.1', 0, {
      ...twinStateConfig.service.http,
      ...options.gatewayTimeouts,
    });
    closers.push(() => gateway.close());
    const apps: Record<ServiceName, INestApplication> = {
      'twin-state': twinState.app,
      ingestion: ingestion.app,
      anomaly: anomaly.app,
      maintenance: maintenance.app,
      simulation: simulation.app,
      alerting: alerting.app,
    };
    return { url: gateway.url, services, apps, infra, close: () => closeAll(closers, infra) };
  } catch (error) {
    await closeAll(closers, infra);
    throw error;
  }
}

async function closeAll(closers: Array<() => Promise<void>>, infra: Infrastructure): Promise<void> {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await infra.close().catch(() => undefined);
}
