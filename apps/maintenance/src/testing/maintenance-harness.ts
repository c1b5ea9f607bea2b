import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decideTwin,
  foldTwin,
  initialTwinState,
  stampEvents,
  type DecidedEvent,
  type EventEnvelope,
  type ModelCatalog,
  type NewEvent,
  type TwinState,
} from '@twinlog/domain';
import type { EventLog } from '@twinlog/event-log';
import { openInfrastructure, type Env, type Infrastructure } from '@twinlog/service-kit';
import { distributedServiceEnv } from '@twinlog/testing';
import { readMaintenanceConfig } from '../config/maintenance.config';
import { startMaintenance, type RunningMaintenance } from '../maintenance.app';

export type Mode = 'embedded' | 'distributed';

/** Env of a maintenance worker on the test servers (distributed) or in a fresh data dir (embedded). */
export function maintenanceEnv(mode: Mode, id: string, overrides: Env = {}): Env {
  const base =
    mode === 'distributed'
      ? { ...distributedServiceEnv(`mnt-${id}.`), KAFKA_CLIENT_LOG_LEVEL: 'nothing' }
      : {
          TWINLOG_MODE: 'embedded',
          // Other tests cover authentication; this one runs on loopback without it.
          TWINLOG_AUTH: 'off',
          TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'twinlog-maintenance-')),
        };
  return {
    ...base,
    MAINTENANCE_HTTP_HOST: '127.0.0.1',
    MAINTENANCE_HTTP_PORT: '0',
    // One prediction per hour of event time keeps the histories short.
    MAINTENANCE_CHECKPOINT_SECONDS: '3600',
    ...overrides,
  };
}

export interface Worker {
  infra: Infrastructure;
  service: RunningMaintenance;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
  get(path: string): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

/** A maintenance worker in this process, on its own infrastructure connection. */
export async function startWorker(env: Env): Promise<Worker> {
  const config = readMaintenanceConfig(env);
  const infra = await openInfrastructure(config.service, {
    service: 'maintenance-test',
    store: false,
    dedupeOnAppend: true,
    indexedStreams: ['twin-events'],
  });
  const service = await startMaintenance(config, infra, false);
  return {
    infra,
    service,
    async get(path) {
      const response = await fetch(`${service.url}${path}`);
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : undefined };
    },
    close: async () => {
      await service.close();
      await infra.close();
    },
  };
}

const meta = (now: string) => ({
  commandId: randomUUID(),
  correlationId: randomUUID(),
  causationId: null,
  producer: 'test',
  now,
});

/**
 * Registers a hierarchy the way twin-state would (each child under its parent, attached to it),
 * decided on locally folded states and appended to the log.
 */
export async function registerPlant(
  log: EventLog,
  catalog: ModelCatalog,
  twins: Array<{ twinId: string; twinType: string; parentId?: string }>,
  commissionedAt: string,
): Promise<void> {
  const now = new Date().toISOString();
  const states = new Map<string, TwinState>();
  const record = async (twinId: string, decided: DecidedEvent[]) => {
    const events = stampEvents(twinId, decided, meta(now));
    await log.append(events);
    const before = states.get(twinId) ?? initialTwinState(twinId);
    states.set(
      twinId,
      foldTwin(
        events.map((e, i) => ({ ...e, revision: before.revision + i + 1 }) as EventEnvelope),
        before,
      ),
    );
  };
  for (const twin of twins) {
    const parent = twin.parentId ? states.get(twin.parentId) : undefined;
    const ctx = {
      catalog,
      now,
      maxFutureSkewMs: 0,
      ...(parent ? { parent, parentAncestors: [] } : {}),
    };
    const command = {
      type: 'RegisterTwin' as const,
      twinType: twin.twinType,
      commissionedAt,
      ...(twin.parentId ? { parentId: twin.parentId } : {}),
    };
    await record(twin.twinId, decideTwin(command, initialTwinState(twin.twinId), ctx));
    if (parent) {
      const attach = {
        type: 'AttachChild' as const,
        childId: twin.twinId,
        childType: twin.twinType,
        attachedAt: commissionedAt,
      };
      await record(parent.twinId, decideTwin(attach, parent, ctx));
    }
  }
}

/** Telemetry as ingestion appends it: one event per `perEvent` readings of one twin. */
export function telemetryEvents(
  twinId: string,
  readings: Array<{ property: string; value: number; unit: string; at: number }>,
  perEvent: number,
): NewEvent[] {
  const now = new Date().toISOString();
  const events: NewEvent[] = [];
  for (let i = 0; i < readings.length; i += perEvent) {
    const chunk = readings.slice(i, i + perEvent).map((r) => ({
      readingId: `${twinId}/${r.property}/${r.at}`,
      property: r.property,
      value: r.value,
      unit: r.unit,
      occurredAt: new Date(r.at).toISOString(),
    }));
    events.push(
      ...stampEvents(
        twinId,
        [
          {
            type: 'TelemetryReported',
            data: { readings: chunk },
            occurredAt: chunk[chunk.length - 1]!.occurredAt,
          },
        ],
        { ...meta(now), producer: 'ingestion/test' },
      ),
    );
  }
  return events;
}

/** Every MaintenancePredicted in the log, in log order. */
export async function predictionsIn(log: EventLog): Promise<EventEnvelope[]> {
  const found: EventEnvelope[] = [];
  await log.replay({ streams: ['twin-events'] }, async (batch) => {
    for (const { event } of batch) if (event.type === 'MaintenancePredicted') found.push(event);
  });
  return found;
}

export { until } from '@twinlog/testing';
