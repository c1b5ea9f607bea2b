import 'reflect-metadata';
import { TwinDirectory } from '@twinlog/read-models';
import {
  startService,
  TELEMETRY_WRITER_GROUP,
  twinDirectoryFollow,
  type RunningService,
  type ServiceDefinition,
  type ServiceLogger,
  type ServicePorts,
} from '@twinlog/service-kit';
import { INGESTION_HTTP_API } from './http-api';
import type { IngestionConfig } from './config/ingestion.config';
import { DeadLetters } from './dead-letters/dead-letters.service';
import { ReadingIntake } from './intake/reading-intake.service';
import { EnterpriseTopicInput } from './kafka-input/enterprise-topic-input';
import { BrokerDropWatcher } from './mqtt/broker-drops';
import { MqttInput } from './mqtt/mqtt-input';
import { InfluxLimitsWriter } from '@twinlog/telemetry-store';
import {
  LIMITS_WRITER,
  LIMITS_WRITER_FEED,
  TELEMETRY_WRITER_FEED,
  INGESTION_CONFIG,
} from './tokens';
import { LimitsWriterMessageController } from './writer/limits-writer.message.controller';
import { TelemetryWriterMessageController } from './writer/telemetry-writer.message.controller';

export type RunningIngestion = RunningService;

/**
 * Ingestion: the twin directory replays twin-events while the de-duplication window is refilled
 * from telemetry's tail (readiness waits for both); only then does it listen on HTTP, connect
 * to MQTT and read the enterprise topic, so no reading is judged before it can be. With
 * `writeTelemetry`, it also copies telemetry from the log into the store. `close` stops the
 * inputs first, then the subscriptions (each finishing and committing its batch).
 */
export function ingestionService(config: IngestionConfig): ServiceDefinition {
  // Limits go to InfluxDB beside the readings, for Grafana (docs/grafana.md): the embedded
  // store is read through Twinlog's API only.
  const influx =
    config.writeTelemetry && config.service.mode === 'distributed'
      ? config.service.influx
      : undefined;
  return {
    name: 'ingestion',
    http: {
      ...config.http,
      timeouts: config.service.http,
      auth: config.service.auth,
      retryAfterSeconds: config.http.retryAfterSeconds,
      // POST /v1/readings checks its types itself, to dead-letter what it refuses.
      bodies: { typeCheckedBy: ['/v1/readings'] },
      ownBodyParsing: true,
    },
    // Readings are de-duplicated by the intake, before they are appended.
    logUse: { dedupeOnAppend: false },
    usesStore: config.writeTelemetry,
    controllers: [
      ...INGESTION_HTTP_API,
      ...(config.writeTelemetry ? [TelemetryWriterMessageController] : []),
      ...(influx ? [LimitsWriterMessageController] : []),
    ],
    providers: [
      { provide: INGESTION_CONFIG, useValue: config },
      ...(influx ? [{ provide: LIMITS_WRITER, useValue: new InfluxLimitsWriter(influx) }] : []),
      TwinDirectory,
      ReadingIntake,
      DeadLetters,
      MqttInput,
      BrokerDropWatcher,
      EnterpriseTopicInput,
    ],
    follows: [twinDirectoryFollow('ingestion-directory')],
    prepare: [
      {
        what: 'refilling the de-duplication window from telemetry',
        run: (get) => get(ReadingIntake).restoreWindow(),
      },
    ],
    shares: [
      ...(config.writeTelemetry
        ? [
            {
              group: TELEMETRY_WRITER_GROUP,
              streams: ['telemetry' as const],
              feed: TELEMETRY_WRITER_FEED,
              maxBatchSize: 5_000,
            },
          ]
        : []),
      ...(influx
        ? [
            {
              group: 'ingestion-limits-writer',
              streams: ['twin-events' as const],
              feed: LIMITS_WRITER_FEED,
              maxBatchSize: 1_000,
            },
          ]
        : []),
    ],
    listenWhenReady: true,
    readyDetails: (get) => ({ twins: get(TwinDirectory).size }),
    started: async (get) => {
      await get(MqttInput).start();
      // The broker's drop counter, on a connection of its own; never holds up the start.
      get(BrokerDropWatcher).start();
      await get(EnterpriseTopicInput).start();
    },
    stopping: async (get) => {
      await get(MqttInput).stop();
      await get(BrokerDropWatcher).stop();
      await get(EnterpriseTopicInput).stop();
    },
  };
}

export function startIngestion(
  config: IngestionConfig,
  ports: ServicePorts,
  logger?: ServiceLogger,
): Promise<RunningIngestion> {
  return startService(ingestionService(config), ports, logger);
}
