import { randomUUID } from 'node:crypto';
import {
  decideTwin,
  foldTwin,
  initialTwinState,
  stampEvents,
  type EventEnvelope,
  type TwinCommand,
} from '@twinlog/domain';
import type { EventLog } from '@twinlog/event-log';
import { openInfrastructure, type Env, type Infrastructure } from '@twinlog/service-kit';
import { distributedServiceEnv, realServer } from '@twinlog/testing';
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
    INGESTION_MQTT_CLIENT_ID: `ingestion-${id}`,
    ...overrides,
  };
}

/** Registers twins the way twin-state would: decided, stamped and appended to the log. */
export async function registerTwins(
  log: EventLog,
  infra: Infrastructure,
  twins: Array<{ twinId: string; twinType: string; site?: string; retire?: boolean }>,
): Promise<void> {
  const ctx = { catalog: infra.catalog, now: new Date().toISOString(), maxFutureSkewMs: 0 };
  for (const twin of twins) {
    const commands: TwinCommand[] = [
      {
        type: 'RegisterTwin',
        twinType: twin.twinType,
        ...(twin.site ? { site: twin.site } : {}),
        commissionedAt: new Date(Date.now() - 30 * DAY_MS).toISOString(),
      },
    ];
    if (twin.retire) commands.push({ type: 'RetireTwin', reason: 'scrapped' });
    let state = initialTwinState(twin.twinId);
    for (const command of commands) {
      const events = stampEvents(twin.twinId, decideTwin(command, state, ctx), {
        commandId: randomUUID(),
        correlationId: randomUUID(),
        causationId: null,
        producer: 'test',
        now: ctx.now,
      });
      await log.append(events);
      state = foldTwin(
        events.map((e, i) => ({ ...e, revision: state.revision + i + 1 }) as EventEnvelope),
        state,
      );
    }
  }
}

export interface Harness {
  id: string;
  config: IngestionConfig;
  infra: Infrastructure;
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
