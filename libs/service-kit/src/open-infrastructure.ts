import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Assistant } from '@twinlog/ai';
import { KafkaEventLog, SqliteEventLog, type EventLog } from '@twinlog/event-log';
import { loadModelCatalog } from '@twinlog/model-files';
import {
  InfluxTelemetryStore,
  SqliteTelemetryStore,
  type TelemetryStore,
} from '@twinlog/telemetry-store';
import type { StreamName } from '@twinlog/domain';
import type { ServiceConfig } from './config/service.config';
import type { ServicePorts } from './host/ports';

/** The ports opened for one service (or, embedded, for all of them) and how to close them. */
export interface Infrastructure extends ServicePorts {
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Names the service in Kafka (client id) and in dead letters. */
  service: string;
  /** See KafkaLogConfig.dedupeOnAppend: off for producers that de-duplicate upstream. */
  dedupeOnAppend?: boolean;
  /** See KafkaLogConfig.indexedStreams: twin-events alone for services that never read telemetry streams. */
  indexedStreams?: readonly StreamName[];
  /** Open the telemetry store too: only services that read or write telemetry points need it. */
  store: boolean;
}

/** Infrastructure opened with the telemetry store. */
export type InfrastructureWithStore = Infrastructure & { store: TelemetryStore };

/**
 * The log, the model catalogue, the AI assistant and (when asked for) the telemetry store for
 * the configured mode.
 */
export async function openInfrastructure<S extends boolean>(
  config: ServiceConfig,
  options: OpenOptions & { store: S },
): Promise<S extends true ? InfrastructureWithStore : Infrastructure> {
  const catalog = loadModelCatalog(config.modelsDir);
  let log: EventLog;
  let store: TelemetryStore | undefined;
  if (config.mode === 'embedded') {
    mkdirSync(config.dataDir, { recursive: true });
    log = SqliteEventLog.open(join(config.dataDir, 'events.sqlite'), config.sync);
    if (options.store)
      store = SqliteTelemetryStore.open(join(config.dataDir, 'telemetry.sqlite'), (line) =>
        new Logger('TelemetryStore').log(line),
      );
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
    if (options.store) store = new InfluxTelemetryStore(config.influx);
  }
  const opened: Infrastructure = {
    log,
    // Holds no connection until asked: cheap to open for every process (off without a key).
    ai: new Assistant(config.ai),
    ...(store ? { store } : {}),
    catalog,
    close: async () => {
      await log.close();
      await store?.close();
    },
  };
  return opened as S extends true ? InfrastructureWithStore : Infrastructure;
}
