import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stampEvents, type ReadingInput } from '@twinlog/domain';
import { openInfrastructure, type Env, type Infrastructure } from '@twinlog/service-kit';
import { distributedServiceEnv, jsonRequest } from '@twinlog/testing';
import { readTwinStateConfig, type TwinStateConfig } from '../config/twin-state.config';
import { startTwinState, type RunningTwinState } from '../twin-state.app';

export type Mode = 'kafka' | 'embedded';

/** Env for twin-state on the test Kafka and InfluxDB (own topics), or embedded in a temp dir. */
export function twinStateEnv(mode: Mode, overrides: Env = {}): Env {
  const base: Env = {
    TWIN_STATE_HTTP_HOST: '127.0.0.1',
    TWIN_STATE_HTTP_PORT: '0',
    TWIN_STATE_MAX_FUTURE_SKEW_MS: '60000',
  };
  if (mode === 'embedded') {
    return {
      ...base,
      TWINLOG_MODE: 'embedded',
      // Other tests cover authentication; this one runs on loopback without it.
      TWINLOG_AUTH: 'off',
      TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'twin-state-')),
      ...overrides,
    };
  }
  return {
    ...base,
    ...distributedServiceEnv(`ts-${randomUUID().slice(0, 8)}.`),
    ...overrides,
  };
}

export interface TwinStateHarness {
  config: TwinStateConfig;
  infra: Infrastructure;
  service: RunningTwinState;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
  ): Promise<{ status: number; json: any }>;
  /** Appends telemetry as ingestion would: readings at known event times. */
  report(
    twinId: string,
    readings: Array<Omit<ReadingInput, 'readingId'> & { readingId?: string }>,
  ): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startTwinStateHarness(
  mode: Mode,
  overrides: Env = {},
): Promise<TwinStateHarness> {
  const config = readTwinStateConfig(twinStateEnv(mode, overrides));
  const infra = await openInfrastructure(config.service, {
    service: 'twin-state-test',
    store: true,
  });
  const h: TwinStateHarness = {
    config,
    infra,
    service: await startTwinState(config, infra, false),
    call: (method, path, body, headers) => jsonRequest(h.service.url, method, path, body, headers),
    async report(twinId, readings) {
      const now = new Date().toISOString();
      const full = readings.map((r, i) => ({
        readingId: `${twinId}/${r.property}/${r.occurredAt}/${i}`,
        ...r,
      }));
      const latest = full.reduce(
        (a, r) => (r.occurredAt > a ? r.occurredAt : a),
        full[0]!.occurredAt,
      );
      await infra.log.append(
        stampEvents(
          twinId,
          [{ type: 'TelemetryReported', data: { readings: full }, occurredAt: latest }],
          {
            commandId: randomUUID(),
            correlationId: randomUUID(),
            causationId: null,
            producer: 'ingestion/test',
            now,
          },
        ),
      );
    },
    async restart() {
      await h.service.close();
      h.service = await startTwinState(config, infra, false);
    },
    async close() {
      await h.service.close();
      await infra.close();
    },
  };
  return h;
}
