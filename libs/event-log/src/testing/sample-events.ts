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
