import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openInfrastructure, type Env, type Infrastructure } from '@twinlog/service-kit';
import { readIngestionConfig, startIngestion, type RunningIngestion } from '@twinlog/app-ingestion';
import {
  readTwinStateConfig,
  startTwinState,
  type RunningTwinState,
} from '@twinlog/app-twin-state';

export interface EmbeddedTwinlog {
  infra: Infrastructure;
  twinState: RunningTwinState;
  /** Started by `startIngestion()` (so a test can start it late, on a port of its choice). */
  ingestion: RunningIngestion | undefined;
  /** The MQTT topic pattern ingestion subscribes to, when it has MQTT. */
  mqttTopic: string;
  startIngestion(port?: number): Promise<RunningIngestion>;
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Subscribe ingestion to this broker (with a topic root of its own). */
  mqttUrl?: string;
  /** Start ingestion with twin-state (default true). */
  ingestion?: boolean;
}

/**
 * Twin-state and ingestion in this process on one embedded log in a temp directory: the
 * embedded mode, as the all-in-one app runs it, for tests that feed it from the simulator.
 */
export async function startEmbeddedTwinlog(
  options: EmbeddedOptions = {},
): Promise<EmbeddedTwinlog> {
  const id = Math.random().toString(36).slice(2, 10);
  const mqttTopic = `sim-${id}/{site}/{twinId}/telemetry`;
  const base: Env = {
    TWINLOG_MODE: 'embedded',
    // Other tests cover authentication; this one runs on loopback without it.
    TWINLOG_AUTH: 'off',
    TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'plant-sim-')),
  };
  const twinStateConfig = readTwinStateConfig({
    ...base,
    TWIN_STATE_HTTP_HOST: '127.0.0.1',
    TWIN_STATE_HTTP_PORT: '0',
  });
  const infra = await openInfrastructure(twinStateConfig.service, {
    service: 'plant-sim-test',
    store: true,
  });
  const twinState = await startTwinState(twinStateConfig, infra, false);
  const twinlog: EmbeddedTwinlog = {
    infra,
    twinState,
    ingestion: undefined,
    mqttTopic,
    async startIngestion(port = 0) {
      const config = readIngestionConfig({
        ...base,
        INGESTION_HTTP_HOST: '127.0.0.1',
        INGESTION_HTTP_PORT: String(port),
        ...(options.mqttUrl
          ? {
              MQTT_URL: options.mqttUrl,
              INGESTION_MQTT_TOPIC: mqttTopic,
              INGESTION_MQTT_PROPERTY_TOPIC: `sim-${id}/{site}/{twinId}/{property}`,
              INGESTION_MQTT_CLIENT_ID: `ingestion-${id}`,
              INGESTION_MQTT_SHARE_GROUP: `share-${id}`,
            }
          : {}),
      });
      twinlog.ingestion = await startIngestion(config, infra, false);
      return twinlog.ingestion;
    },
    async close() {
      await twinlog.ingestion?.close();
      await twinState.close();
      await infra.close();
    },
  };
  if (options.ingestion !== false) await twinlog.startIngestion();
  return twinlog;
}
