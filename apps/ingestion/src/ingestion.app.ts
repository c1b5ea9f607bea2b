import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { EventLogServer } from '@twinlog/nest-transport';
import { setUpHttpApi, type Infrastructure } from '@twinlog/service-kit';
import type { IngestionConfig } from './config/ingestion.config';
import { TwinDirectory } from './directory/twin-directory';
import { IngestionModule } from './ingestion.module';
import { ReadingIntake } from './intake/reading-intake.service';
import { EnterpriseTopicInput } from './kafka-input/enterprise-topic-input';
import { BrokerDropWatcher } from './mqtt/broker-drops';
import { MqttInput } from './mqtt/mqtt-input';
import { DIRECTORY_FEED, TELEMETRY_WRITER_FEED } from './tokens';

export interface RunningIngestion {
  app: INestApplication;
  /** The HTTP base URL it listens on. */
  url: string;
  /** Stops the inputs first, then the subscriptions (each finishing and committing its batch). */
  close(): Promise<void>;
}

/**
 * Starts the ingestion service on the given infrastructure: the twin directory replays
 * twin-events first, then the event-log subscriptions, HTTP, MQTT and the enterprise topic.
 */
export async function startIngestion(
  config: IngestionConfig,
  infra: Infrastructure,
  logger: LoggerService | LogLevel[] | false = ['log', 'warn', 'error'],
): Promise<RunningIngestion> {
  const app = await NestFactory.create(IngestionModule.register(config, infra), {
    bodyParser: false,
    logger,
  });
  setUpHttpApi(app, {
    timeouts: config.service.http,
    retryAfterSeconds: config.http.retryAfterSeconds,
    // POST /v1/readings checks its types itself, to dead-letter what it refuses.
    bodies: { typeCheckedBy: ['/v1/readings'] },
  });
  await app.init();
  // The directory first replays twin-events, then follows it from where the replay ended; the
  // de-duplication window is refilled from telemetry's tail meanwhile (readiness waits for both).
  const [startAt] = await Promise.all([
    app.get(TwinDirectory).replayToEnd(),
    app.get(ReadingIntake).restoreWindow(),
  ]);
  app.connectMicroservice({
    strategy: new EventLogServer({
      log: infra.log,
      group: 'ingestion-directory',
      streams: ['twin-events'],
      broadcast: true,
      startAt,
      transportId: DIRECTORY_FEED,
    }),
  });
  if (config.writeTelemetry) {
    app.connectMicroservice({
      strategy: new EventLogServer({
        log: infra.log,
        group: 'ingestion-telemetry-writer',
        streams: ['telemetry'],
        maxBatchSize: 5_000,
        transportId: TELEMETRY_WRITER_FEED,
      }),
    });
  }
  await app.startAllMicroservices();
  await app.listen(config.http.port, config.http.host);
  const mqtt = app.get(MqttInput);
  const kafkaInput = app.get(EnterpriseTopicInput);
  await mqtt.start();
  // The broker's drop counter, on a connection of its own; never holds up the start.
  const brokerDrops = app.get(BrokerDropWatcher);
  brokerDrops.start();
  await kafkaInput.start();
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await mqtt.stop();
      await brokerDrops.stop();
      await kafkaInput.stop();
      await app.close();
    },
  };
}
