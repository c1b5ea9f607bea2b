import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventLogServer } from '@twinlog/nest-transport';
import { setUpHttpApi, TwinDirectory, type Infrastructure } from '@twinlog/service-kit';
import { AnomalyModule } from './anomaly.module';
import type { AnomalyConfig } from './config/anomaly.config';
import { DetectionWorker } from './detection/detection-worker';
import { DETECTION_FEED, DIRECTORY_FEED } from './tokens';

export interface RunningAnomaly {
  app: INestApplication;
  url: string;
  worker: DetectionWorker;
  /** Finishes the batch in hand (its findings appended, its offsets committed), then leaves. */
  close(): Promise<void>;
}

/**
 * Starts an anomaly worker: the twin directory replays twin-events first (readiness waits for
 * it), then the worker joins the detection group on telemetry and follows twin-events.
 */
export async function startAnomaly(
  config: AnomalyConfig,
  infra: Infrastructure,
  logger: LoggerService | LogLevel[] | false = ['log', 'warn', 'error'],
  clock?: () => string,
): Promise<RunningAnomaly> {
  const app = await NestFactory.create(AnomalyModule.register(config, infra, clock), { logger });
  setUpHttpApi(app, { timeouts: config.service.http });
  await app.listen(config.http.port, config.http.host);
  const started = Date.now();
  const directory = app.get(TwinDirectory);
  const { next, events } = await directory.catchUp(infra.log);
  new Logger('AnomalyService').log(
    `twin directory ready: ${directory.size} twins from ${events} events in ${Date.now() - started} ms`,
  );
  app.connectMicroservice({
    strategy: new EventLogServer({
      log: infra.log,
      group: `${config.group}-directory`,
      streams: ['twin-events'],
      broadcast: true,
      startAt: next,
      transportId: DIRECTORY_FEED,
    }),
  });
  const worker = app.get(DetectionWorker);
  app.connectMicroservice({
    strategy: new EventLogServer({
      log: infra.log,
      group: config.group,
      streams: ['telemetry'],
      maxBatchSize: config.maxBatch,
      concurrentPartitions: config.concurrentPartitions,
      onAssignment: (partitions) => worker.assigned(partitions),
      transportId: DETECTION_FEED,
    }),
  });
  await app.startAllMicroservices();
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    worker,
    close: () => app.close(),
  };
}
