import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { KafkaEventLog, SqliteEventLog, type EventLog } from '@twinlog/event-log';
import { loadModelCatalog } from '@twinlog/model-files';
import {
  InfluxTelemetryStore,
  SqliteTelemetryStore,
  type TelemetryStore,
} from '@twinlog/telemetry-store';
import type { ModelCatalog, StreamName } from '@twinlog/domain';
import type { ServiceConfig } from './config/service.config';

export interface Infrastructure {
  log: EventLog;
  store: TelemetryStore;
  catalog: ModelCatalog;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Names the service in Kafka (client id) and in dead letters. */
  service: string;
  /** See KafkaLogConfig.dedupeOnAppend: off for producers that de-duplicate upstream. */
  dedupeOnAppend?: boolean;
  /** See KafkaLogConfig.indexedStreams: twin-events alone for services that never read telemetry streams. */
  indexedStreams?: readonly StreamName[];
}

/** The log, the telemetry store and the model catalogue for the configured mode. */
export async function openInfrastructure(
  config: ServiceConfig,
  options: OpenOptions,
): Promise<Infrastructure> {
  const catalog = loadModelCatalog(config.modelsDir);
  let log: EventLog;
  let store: TelemetryStore;
  if (config.mode === 'embedded') {
    mkdirSync(config.dataDir, { recursive: true });
    log = SqliteEventLog.open(join(config.dataDir, 'events.sqlite'), config.sync);
    store = SqliteTelemetryStore.open(join(config.dataDir, 'telemetry.sqlite'));
  } else {
    mkdirSync(config.dataDir, { recursive: true });
    log = await KafkaEventLog.connect({
      ...config.kafka,
      clientId: options.service,
      warn: (message) => new Logger('KafkaEventLog').warn(message),
      dedupeOnAppend: options.dedupeOnAppend ?? true,
      ...(options.indexedStreams ? { indexedStreams: options.indexedStreams } : {}),
      // The per-twin read index is a cache of the log; on disk it survives restarts and resumes
      // where it left off instead of re-reading the whole log (23 s at 5 million readings).
      // One file per service and topic prefix: an index only ever holds one log's events.
      indexPath: join(
        config.dataDir,
        `${options.service}.${config.kafka.topicPrefix.replace(/[^\w.-]/g, '_')}stream-index.sqlite`,
      ),
    });
    store = new InfluxTelemetryStore(config.influx);
  }
  return {
    log,
    store,
    catalog,
    close: async () => {
      await log.close();
      await store.close();
    },
  };
}
