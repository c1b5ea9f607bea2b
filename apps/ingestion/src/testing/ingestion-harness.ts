import { randomUUID } from 'node:crypto';
import type { EventLog } from '@twinlog/event-log';
import {
  openInfrastructure,
  type Env,
  type Infrastructure,
  type InfrastructureWithStore,
} from '@twinlog/service-kit';
import {
  distributedServiceEnv,
  realServer,
  registerTwins as registerTwinsInLog,
  type TwinToRegister,
} from '@twinlog/testing';
import { readIngestionConfig, type IngestionConfig } from '../config/ingestion.config';
import { startIngestion, type RunningIngestion } from '../ingestion.app';

export const DAY_MS = 86_400_000;
export const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** Env for an ingestion service on the test servers, with topics and MQTT root of its own. */
export function testEnv(id: string, overrides: Env = {}): Env {
  return {
    ...distributedServiceEnv(`ing-${id}.`),
    MQTT_URL: realServer('mqtt').url,
    INGESTION_HTTP_HOST: '127.0.0.1',
    INGESTION_HTTP_PORT: '0',
    INGESTION_MQTT_TOPIC: `plant-${id}/{site}/{twinId}/telemetry`,
    INGESTION_MQTT_PROPERTY_TOPIC: `plant-${id}/{site}/{twinId}/{property}`,
    INGESTION_MQTT_CLIENT_ID: `ingestion-${id}`,
    ...overrides,
  };
}

/** Registers twins the way twin-state would (see libs/testing). */
export async function registerTwins(
  log: EventLog,
  infra: Infrastructure,
  twins: TwinToRegister[],
): Promise<void> {
  await registerTwinsInLog(log, infra.catalog, twins);
}

export interface Harness {
  id: string;
  config: IngestionConfig;
  infra: InfrastructureWithStore;
  service: RunningIngestion;
  post(
    body: string,
    contentType?: string,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
  ): Promise<{ status: number; headers: Headers; json: any }>;
  close(): Promise<void>;
}

/** An ingestion service on real Kafka, InfluxDB and mosquitto, with twins registered first. */
export async function startHarness(
  twins: Parameters<typeof registerTwins>[2],
  overrides: Env = {},
  id = randomUUID().slice(0, 8),
): Promise<Harness> {
  const config = readIngestionConfig(testEnv(id, overrides));
  const infra = await openInfrastructure(config.service, {
    service: 'ingestion-test',
    store: true,
    dedupeOnAppend: false,
  });
  await registerTwins(infra.log, infra, twins);
  const service = await startIngestion(config, infra, false);
  return {
    id,
    config,
    infra,
    service,
    async post(body, contentType = 'application/json') {
      const response = await fetch(`${service.url}/v1/readings`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        json: text ? JSON.parse(text) : undefined,
      };
    },
    async close() {
      await service.close();
      await infra.close();
    },
  };
}
