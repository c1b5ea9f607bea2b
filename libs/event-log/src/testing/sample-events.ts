import { randomUUID } from 'node:crypto';
import { CURRENT_SCHEMA_VERSION, type NewEvent, type TwinEvent } from '@twinlog/domain';

/** Builds valid new events for log tests; times default to a fixed, recent instant. */
export function newEvent(
  twinId: string,
  event: TwinEvent,
  overrides: Partial<NewEvent> = {},
): NewEvent {
  const now = overrides.recordedAt ?? new Date().toISOString();
  return {
    ...event,
    id: randomUUID(),
    twinId,
    schemaVersion: CURRENT_SCHEMA_VERSION[event.type],
    occurredAt: now,
    recordedAt: now,
    correlationId: randomUUID(),
    causationId: null,
    producer: 'test',
    ...overrides,
  } as NewEvent;
}

export function registered(twinId: string, overrides: Partial<NewEvent> = {}): NewEvent {
  return newEvent(
    twinId,
    {
      type: 'TwinRegistered',
      data: {
        twinType: 'cnc-milling-machine',
        modelVersion: 1,
        level: 'asset',
        parentId: null,
        site: 'plant-a',
        name: null,
        limits: {},
      },
    },
    overrides,
  );
}

export function telemetry(
  twinId: string,
  value: number,
  occurredAt: string,
  overrides: Partial<NewEvent> = {},
): NewEvent {
  return newEvent(
    twinId,
    {
      type: 'TelemetryReported',
      data: {
        readings: [
          { readingId: randomUUID(), property: 'temperature', value, unit: '°C', occurredAt },
        ],
      },
    },
    { occurredAt, ...overrides },
  );
}

export function retired(twinId: string, overrides: Partial<NewEvent> = {}): NewEvent {
  return newEvent(twinId, { type: 'TwinRetired', data: { reason: 'test' } }, overrides);
}

/**
 * An alert opened for one twin's anomaly, keyed (like all its events) by its group: the
 * alerts stream's first event of an alert (docs/adr/0019).
 */
export function alertOpened(
  groupKey: string,
  alertId: string,
  overrides: Partial<NewEvent> & { memberTwinId?: string; site?: string | null } = {},
): NewEvent {
  const { memberTwinId = groupKey, site = 'plant-a', ...rest } = overrides;
  const since = rest.occurredAt ?? new Date().toISOString();
  return newEvent(
    groupKey,
    {
      type: 'AlertOpened',
      data: {
        alertId,
        groupKey,
        severity: 'alarm',
        title: `${memberTwinId}: temperature out of range`,
        site,
        member: {
          twinId: memberTwinId,
          causeKey: `anomaly/${memberTwinId}/range/temperature`,
          cause: {
            kind: 'anomaly',
            twinId: memberTwinId,
            episodeId: `ep-${alertId}`,
            detector: 'range',
            properties: ['temperature'],
            severity: 'alarm',
            evidence: [{ property: 'temperature', observed: 91, expectedHigh: 80 }],
          },
          since,
          clearedAt: null,
        },
      },
    },
    { producer: 'alerting', ...rest },
  );
}

/** Someone acknowledged an alert: the producer names who (`alerting/key:<id>`). */
export function alertAcknowledged(
  groupKey: string,
  alertId: string,
  overrides: Partial<NewEvent> = {},
): NewEvent {
  return newEvent(
    groupKey,
    { type: 'AlertAcknowledged', data: { alertId, note: 'on it' } },
    { producer: 'alerting/key:0123456789abcdef', ...overrides },
  );
}

/** Resolves once `predicate` holds, polling; fails with `what` after the timeout. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
