import type { EventEnvelope, EventOfType } from '../events/twin-events';
import { isEarlier } from '../time-order';
import { ownValue, setOwn } from '../own-names';
import type { ReportedValue, TwinState } from './twin-state';

type Telemetry = EventEnvelope<EventOfType<'TelemetryReported'>>;

/**
 * The "current" rule for late and out-of-order telemetry: a reading becomes the current value
 * only if it is at least as new (by event time) as the value it replaces, and not older than a
 * maintenance that reset the property. Older readings stay in the log and the time series
 * (history) but do not move "current". Equal times: the later-recorded reading wins.
 *
 * Writes into `state`, which the caller owns. With `reuseValues`, the caller owns the reported
 * values too, and they are overwritten rather than replaced (see TwinProjection).
 */
export function applyReadings(state: TwinState, event: Telemetry, reuseValues: boolean): void {
  const reported = state.reported;
  const readings = event.data.readings;
  for (let i = 0; i < readings.length; i++) {
    const reading = readings[i]!;
    const current = ownValue(reported, reading.property);
    if (current && isEarlier(reading.occurredAt, current.occurredAt)) continue;
    const resetAt = ownValue(state.resetAt, reading.property);
    if (resetAt && isEarlier(reading.occurredAt, resetAt)) continue;
    if (reuseValues && current) {
      current.value = reading.value;
      current.unit = reading.unit;
      current.occurredAt = reading.occurredAt;
      current.readingId = reading.readingId;
      current.eventId = event.id;
      current.revision = event.revision;
      continue;
    }
    setOwn(reported, reading.property, {
      value: reading.value,
      unit: reading.unit,
      occurredAt: reading.occurredAt,
      readingId: reading.readingId,
      eventId: event.id,
      revision: event.revision,
    } satisfies ReportedValue);
  }
}

/**
 * A copy of a state that shares nothing `applyReadings` changes in place: the state object and
 * its reported values.
 */
export function ownedCopy(state: TwinState): TwinState {
  const reported: Record<string, ReportedValue> = {};
  for (const [property, value] of Object.entries(state.reported))
    setOwn(reported, property, { ...value });
  return { ...state, reported };
}
