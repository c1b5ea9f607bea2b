import type { TwinEventType } from './twin-events';

/** A raw event as read from a log: the envelope fields plus an untyped payload. */
export interface RawEvent {
  type: string;
  schemaVersion: number;
  id: string;
  occurredAt: string;
  data: unknown;
  [field: string]: unknown;
}

/** Lifts one event from `fromVersion` to `fromVersion + 1`. */
type Upcaster = (event: RawEvent) => RawEvent;

/**
 * TelemetryReported v1 (2025 ingestion) carried one reading whose time was the envelope's
 * occurredAt; v2 carries a batch of readings, each with its own id and time.
 */
const telemetryV1ToV2: Upcaster = (event) => {
  const v1 = event.data as { property: string; value: number; unit: string; readingId?: string };
  return {
    ...event,
    schemaVersion: 2,
    data: {
      readings: [
        {
          readingId: v1.readingId ?? `${event.id}/0`,
          property: v1.property,
          value: v1.value,
          unit: v1.unit,
          occurredAt: event.occurredAt,
        },
      ],
    },
  };
};

/**
 * MaintenancePredicted v1 gave the health index as a fraction and called the top priority
 * 'urgent'; v2 gives 0-100 (as the maintenance service reports it) and says 'critical'.
 */
const predictionV1ToV2: Upcaster = (event) => {
  const v1 = event.data as { healthIndex?: unknown; priority?: unknown };
  return {
    ...event,
    schemaVersion: 2,
    data: {
      ...(event.data as object),
      healthIndex: typeof v1.healthIndex === 'number' ? v1.healthIndex * 100 : v1.healthIndex,
      priority: v1.priority === 'urgent' ? 'critical' : v1.priority,
    },
  };
};

const UPCASTERS: Partial<Record<TwinEventType, Record<number, Upcaster>>> = {
  TelemetryReported: { 1: telemetryV1ToV2 },
  MaintenancePredicted: { 1: predictionV1ToV2 },
};

/** Applies the chain of upcasters until the event is at `targetVersion`. */
export function upcast(event: RawEvent, targetVersion: number): RawEvent {
  let current = event;
  while (current.schemaVersion < targetVersion) {
    const step = UPCASTERS[current.type as TwinEventType]?.[current.schemaVersion];
    if (!step) break;
    current = step(current);
  }
  return current;
}
