import type { EventEnvelope, Reading } from '../events/twin-events';
import { READING_ID_WINDOW, type TwinState } from './twin-state';

/**
 * Folds one recorded event into a twin's state. Idempotent: an event at or below the state's
 * revision was already applied (a redelivery) and changes nothing.
 */
export function evolveTwin(state: TwinState, event: EventEnvelope): TwinState {
  if (event.revision <= state.revision) return state;
  const next = { ...state, revision: event.revision };
  switch (event.type) {
    case 'TwinRegistered':
      return {
        ...next,
        status: 'active',
        ...event.data,
        registeredAt: event.occurredAt,
      };
    case 'ChildAttached':
      return {
        ...next,
        children: [
          ...next.children,
          { twinId: event.data.childId, twinType: event.data.childType },
        ],
      };
    case 'ModelVersionChanged':
      return { ...next, modelVersion: event.data.to, limits: event.data.limits };
    case 'LimitsChanged':
      return { ...next, limits: { ...next.limits, [event.data.property]: event.data.limits } };
    case 'TelemetryReported':
      return applyReadings(next, event.data.readings, event);
    case 'MaintenancePerformed': {
      const reported = { ...next.reported };
      for (const property of event.data.resets) delete reported[property];
      return { ...next, reported, lastMaintenance: { ...event.data, eventId: event.id } };
    }
    case 'TwinRetired':
      return { ...next, status: 'retired', retiredAt: event.occurredAt };
    case 'AnomalyDetected':
      return {
        ...next,
        activeAnomalies: {
          ...next.activeAnomalies,
          [event.data.episodeId]: { ...event.data, since: event.occurredAt },
        },
      };
    case 'AnomalyCleared': {
      const activeAnomalies = { ...next.activeAnomalies };
      delete activeAnomalies[event.data.episodeId];
      return { ...next, activeAnomalies };
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/**
 * The "current" rule for late and out-of-order telemetry: a reading becomes the current value
 * only if it is at least as new (by event time) as the value it replaces, and not older than a
 * maintenance that reset the property. Older readings stay in the log and the time series
 * (history) but do not move "current". Equal times: the later-recorded reading wins.
 */
function applyReadings(state: TwinState, readings: Reading[], event: EventEnvelope): TwinState {
  const reported = { ...state.reported };
  const reset = state.lastMaintenance;
  for (const reading of readings) {
    const at = Date.parse(reading.occurredAt);
    const current = reported[reading.property];
    if (current && at < Date.parse(current.occurredAt)) continue;
    if (reset && reset.resets.includes(reading.property) && at < Date.parse(reset.performedAt))
      continue;
    reported[reading.property] = {
      value: reading.value,
      unit: reading.unit,
      occurredAt: reading.occurredAt,
      readingId: reading.readingId,
      eventId: event.id,
      revision: event.revision,
    };
  }
  const ids = [...state.recentReadingIds, ...readings.map((r) => r.readingId)];
  return {
    ...state,
    reported,
    recentReadingIds: ids.length > READING_ID_WINDOW ? ids.slice(-READING_ID_WINDOW) : ids,
  };
}
