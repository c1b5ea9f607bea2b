import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger, type INestApplication, type LoggerService, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventLogServer } from '@twinlog/nest-transport';
import { setUpHttpApi, type Infrastructure } from '@twinlog/service-kit';
import type { MaintenanceConfig } from './config/maintenance.config';
import { MaintenanceModule } from './maintenance.module';
import { PredictionWorker } from './prediction/prediction-worker';
import { TELEMETRY_FEED, TWIN_EVENTS_FEED } from './tokens';
import { TwinEventsView } from './twins/twin-events-view';

export interface RunningMaintenance {
  app: INestApplication;
  url: string;
  worker: PredictionWorker;
  /** Finishes the batch in hand (its predictions appended, its offsets committed), then leaves. */
  close(): Promise<void>;
}

/**
 * Starts a maintenance worker: twin-events are replayed first (readiness waits for it), then
 * it follows twin-events (broadcast) and joins its consumer group on telemetry.
 */
export async function startMaintenance(
  config: MaintenanceConfig,
  infra: Infrastructure,
  logger: LoggerService | LogLevel[] | false = ['log', 'warn', 'error'],
  clock?: () => string,
): Promise<RunningMaintenance> {
  const app = await NestFactory.create(MaintenanceModule.register(config, infra, clock), {
    logger,
  });
  setUpHttpApi(app, { timeouts: config.service.http });
  // Listen first: probes answer (live, not ready) while twin-events replay.
  await app.listen(config.http.port, config.http.host);
  const started = Date.now();
  const view = app.get(TwinEventsView);
  const { next, events } = await view.catchUp();
  new Logger('MaintenanceService').log(
    `twins ready: ${view.directory.size} twins from ${events} twin-events in ${Date.now() - started} ms`,
  );
  app.connectMicroservice({
    strategy: new EventLogServer({
      log: infra.log,
      group: `${config.group}-twins`,
      streams: ['twin-events'],
      broadcast: true,
      startAt: next,
      transportId: TWIN_EVENTS_FEED,
    }),
  });
  app.connectMicroservice({
    strategy: new EventLogServer({
      log: infra.log,
      group: config.group,
      streams: ['telemetry'],
      maxBatchSize: config.maxBatch,
      onAssignment: (partitions) => app.get(PredictionWorker).assigned(partitions),
      transportId: TELEMETRY_FEED,
    }),
  });
  await app.startAllMicroservices();
  // Prediction history queries read one twin's events: prepare that now.
  infra.log.warmUp?.();
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    worker: app.get(PredictionWorker),
    close: () => app.close(),
  };
}
