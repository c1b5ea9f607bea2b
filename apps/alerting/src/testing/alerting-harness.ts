import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AlertsProjection,
  CURRENT_SCHEMA_VERSION,
  type EventEnvelope,
  type NewEvent,
  type TwinLevel,
} from '@twinlog/domain';
import type { EventLog } from '@twinlog/event-log';
import {
  openInfrastructure,
  type Env,
  type Infrastructure,
  type ServiceLogger,
} from '@twinlog/service-kit';
import { distributedServiceEnv } from '@twinlog/testing';
import { startAlerting, type RunningAlerting } from '../alerting.app';
import { readAlertingConfig } from '../config/alerting.config';

export type Mode = 'embedded' | 'distributed';

const KEY = 'ab'.repeat(32);

/**
 * Env of an alerting service on the test servers (distributed) or in a fresh data dir
 * (embedded), with settings in seconds, not minutes: ticks of 100 ms, retries every second or
 * so, a group update held one second, silences that never fire unless a test asks.
 */
export function alertingEnv(mode: Mode, id: string, overrides: Env = {}): Env {
  const base =
    mode === 'distributed'
      ? { ...distributedServiceEnv(`alr-${id}.`), KAFKA_CLIENT_LOG_LEVEL: 'nothing' }
      : {
          TWINLOG_MODE: 'embedded',
          // Other tests cover authentication; this one runs on loopback without it.
          TWINLOG_AUTH: 'off',
          TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'twinlog-alerting-')),
        };
  return {
    ...base,
    ALERTING_HTTP_HOST: '127.0.0.1',
    ALERTING_HTTP_PORT: '0',
    ALERTING_SECRET_KEY: KEY,
    ALERTING_TICK_MS: '100',
    ALERTING_RETRY_BASE_SECONDS: '1',
    ALERTING_RETRY_MAX_SECONDS: '1',
    ALERTING_GROUP_UPDATE_SECONDS: '1',
    ALERTING_SILENT_AFTER_SECONDS: '86400',
    ALERTING_DELIVERY_TIMEOUT_MS: '2000',
    ...overrides,
  };
}

/** A clock the test moves forward (escalations, holds) while real time runs on under it. */
export class TestClock {
  private offsetMs = 0;
  readonly now = (): string => new Date(Date.now() + this.offsetMs).toISOString();
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface AlertingUnderTest {
  infra: Infrastructure;
  service: RunningAlerting;
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  /** Stops the service; the infrastructure stays open unless `infraToo`. */
  stop(infraToo?: boolean): Promise<void>;
}

/** Opens the log the way the service's own process would. */
export async function openAlertingInfra(env: Env): Promise<Infrastructure> {
  const config = readAlertingConfig(env);
  return openInfrastructure(config.service, {
    service: 'alerting-test',
    store: false,
    dedupeOnAppend: true,
    indexedStreams: ['alerts'],
  });
}

/** An alerting service in this process, on `infra` (a restart reuses the same infrastructure). */
export async function startAlertingOn(
  infra: Infrastructure,
  env: Env,
  clock: TestClock,
  logger: ServiceLogger = false,
): Promise<AlertingUnderTest> {
  const service = await startAlerting(readAlertingConfig(env), infra, logger, clock.now);
  return {
    infra,
    service,
    url: service.url,
    async call(method, path, body) {
      const response = await fetch(`${service.url}${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : undefined };
    },
    async stop(infraToo = false) {
      await service.close();
      if (infraToo) await infra.close();
    },
  };
}

const envelope = (twinId: string, event: Omit<NewEvent, keyof EnvelopeMeta>): NewEvent =>
  ({
    ...event,
    id: randomUUID(),
    twinId,
    schemaVersion: CURRENT_SCHEMA_VERSION[event.type as keyof typeof CURRENT_SCHEMA_VERSION],
    occurredAt: new Date().toISOString(),
    recordedAt: new Date().toISOString(),
    correlationId: randomUUID(),
    causationId: null,
    producer: 'test',
  }) as NewEvent;

type EnvelopeMeta = Pick<
  NewEvent,
  | 'id'
  | 'twinId'
  | 'schemaVersion'
  | 'occurredAt'
  | 'recordedAt'
  | 'correlationId'
  | 'causationId'
  | 'producer'
>;

export interface PlantTwin {
  twinId: string;
  twinType: string;
  level: TwinLevel;
  parentId?: string;
  site?: string;
}

/** Registrations as twin-state records them (only what alerting reads of them). */
export async function registerPlant(log: EventLog, twins: PlantTwin[]): Promise<void> {
  await log.append(
    twins.map((twin) =>
      envelope(twin.twinId, {
        type: 'TwinRegistered',
        data: {
          twinType: twin.twinType,
          modelVersion: 1,
          level: twin.level,
          parentId: twin.parentId ?? null,
          site: twin.site ?? null,
          name: null,
          limits: {},
        },
      } as Omit<NewEvent, keyof EnvelopeMeta>),
    ),
  );
}

/** A line (a system) of `machines` CNC machines on one site. */
export function line(lineId: string, machines: number, site = 'plant-a'): PlantTwin[] {
  return [
    { twinId: lineId, twinType: 'production-line', level: 'system', site },
    ...Array.from({ length: machines }, (_, i) => ({
      twinId: `${lineId}-m${String(i + 1).padStart(2, '0')}`,
      twinType: 'cnc-milling-machine',
      level: 'asset' as const,
      parentId: lineId,
      site,
    })),
  ];
}

/** AnomalyDetected as the anomaly service appends it (id derived from the episode). */
export function anomalyDetected(twinId: string, episodeId: string, severity = 'alarm'): NewEvent {
  return {
    ...envelope(twinId, {
      type: 'AnomalyDetected',
      data: {
        episodeId,
        detector: 'range',
        properties: ['temperature'],
        score: 0.9,
        severity,
        evidence: [{ property: 'temperature', observed: 130, expectedHigh: 95 }],
      },
    } as Omit<NewEvent, keyof EnvelopeMeta>),
    id: `${episodeId}/detected`,
  } as NewEvent;
}

/** AnomalyEscalated as the anomaly service appends it (id: the episode and the severity reached). */
export function anomalyEscalated(twinId: string, episodeId: string, severity: string): NewEvent {
  return {
    ...envelope(twinId, {
      type: 'AnomalyEscalated',
      data: {
        episodeId,
        detector: 'range',
        severity,
        score: 0.95,
        evidence: [{ property: 'temperature', observed: 160, expectedHigh: 95 }],
      },
    } as Omit<NewEvent, keyof EnvelopeMeta>),
    id: `${episodeId}/escalated/${severity}`,
  } as NewEvent;
}

export function anomalyCleared(twinId: string, episodeId: string): NewEvent {
  return {
    ...envelope(twinId, {
      type: 'AnomalyCleared',
      data: { episodeId, detector: 'range' },
    } as Omit<NewEvent, keyof EnvelopeMeta>),
    id: `${episodeId}/cleared`,
  } as NewEvent;
}

/** A reading of a twin, as ingestion appends it. */
export function reading(twinId: string, value = 40): NewEvent {
  const at = new Date().toISOString();
  return envelope(twinId, {
    type: 'TelemetryReported',
    data: {
      readings: [
        { readingId: randomUUID(), property: 'temperature', value, unit: '°C', occurredAt: at },
      ],
    },
  } as Omit<NewEvent, keyof EnvelopeMeta>);
}

/** The alerts stream replayed from the log into a fresh projection. */
export async function replayedAlerts(log: EventLog): Promise<AlertsProjection> {
  const projection = new AlertsProjection();
  await log.replay({ streams: ['alerts'] }, async (batch) =>
    projection.apply(batch.map((r) => r.event as EventEnvelope)),
  );
  return projection;
}

export { until } from '@twinlog/testing';
