import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decideTwin,
  initialTwinState,
  stampEvents,
  type EventEnvelope,
  type TwinCommand,
} from '@twinlog/domain';
import { openInfrastructure, type Env, type InfrastructureWithStore } from '@twinlog/service-kit';
import { distributedServiceEnv, jsonRequest } from '@twinlog/testing';
import { readSimulationConfig, type SimulationConfig } from '../config/simulation.config';
import { startSimulation, type RunningSimulation } from '../simulation.app';

export type Mode = 'kafka' | 'embedded';

/** Env for the simulation service on the test Kafka and InfluxDB (own topics), or embedded. */
export function simulationEnv(mode: Mode, overrides: Env = {}): Env {
  const base: Env = { SIMULATION_HTTP_HOST: '127.0.0.1', SIMULATION_HTTP_PORT: '0' };
  if (mode === 'embedded') {
    return {
      ...base,
      TWINLOG_MODE: 'embedded',
      // Other tests cover authentication; this one runs on loopback without it.
      TWINLOG_AUTH: 'off',
      TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'simulation-')),
      ...overrides,
    };
  }
  return { ...base, ...distributedServiceEnv(`sim-${randomUUID().slice(0, 8)}.`), ...overrides };
}

export interface SimulationHarness {
  config: SimulationConfig;
  infra: InfrastructureWithStore;
  service: RunningSimulation;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
  ): Promise<{ status: number; json: any }>;
  /** Registers a twin as twin-state would: the domain decides, the log records. */
  register(twinId: string, twinType: string, commissionedAt: string): Promise<void>;
  /** Writes readings to the telemetry store as ingestion's writer would. */
  write(
    twinId: string,
    twinType: string,
    readings: Array<{ property: string; time: string; value: number }>,
  ): Promise<void>;
  /** The twin's twin-events stream (where runs are recorded). */
  events(twinId: string): Promise<EventEnvelope[]>;
  close(): Promise<void>;
}

export async function startSimulationHarness(
  mode: Mode,
  overrides: Env = {},
): Promise<SimulationHarness> {
  const config = readSimulationConfig(simulationEnv(mode, overrides));
  const infra = await openInfrastructure(config.service, {
    service: 'simulation-test',
    store: true,
    indexedStreams: ['twin-events'],
  });
  const h: SimulationHarness = {
    config,
    infra,
    service: await startSimulation(config, infra, false),
    call: (method, path, body, headers) => jsonRequest(h.service.url, method, path, body, headers),
    async register(twinId, twinType, commissionedAt) {
      const now = new Date().toISOString();
      const command: TwinCommand = {
        type: 'RegisterTwin',
        twinType,
        site: 'plant-a',
        commissionedAt,
      };
      const decided = decideTwin(command, initialTwinState(twinId), {
        catalog: infra.catalog,
        now,
        maxFutureSkewMs: 60_000,
      });
      await infra.log.append(
        stampEvents(twinId, decided, {
          commandId: randomUUID(),
          correlationId: randomUUID(),
          causationId: null,
          producer: 'twin-state/test',
          now,
        }),
      );
    },
    async write(twinId, twinType, readings) {
      await infra.store.write(readings.map((r) => ({ twinId, twinType, site: 'plant-a', ...r })));
    },
    events: (twinId) => infra.log.readStream(twinId, { streams: ['twin-events'] }),
    async close() {
      await h.service.close();
      await infra.close();
    },
  };
  return h;
}
