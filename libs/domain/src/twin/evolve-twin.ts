import {
  streamOf,
  type EventEnvelope,
  type EventOfType,
  type Reading,
} from '../events/twin-events';
import { withRecentReadingIds, type TwinState } from './twin-state';
import { isEarlier } from '../time-order';

/**
 * Folds one recorded event into a twin's state. Idempotent: an event at or below the revision
 * already folded from its stream is a redelivery and changes nothing. Folding the two streams
 * commutes (telemetry is ordered by event time, not by arrival), so the state does not depend
 * on how a consumer interleaves them.
 */
export function evolveTwin(state: TwinState, event: EventEnvelope): TwinState {
  const telemetry = streamOf(event.type) === 'telemetry';
  if (event.revision <= (telemetry ? state.telemetryRevision : state.revision)) return state;
  // A plain copy then an assignment: every state keeps one object shape (a computed key in the
  // spread gave each copy a new one), which keeps folding and collecting them cheap.
  const next = { ...state };
  if (telemetry) next.telemetryRevision = event.revision;
  else next.revision = event.revision;
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
    case 'MaintenancePerformed':
      return applyMaintenance(next, event as EventEnvelope<EventOfType<'MaintenancePerformed'>>);
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
    case 'MaintenancePredicted': {
      // The newest prediction by event time is the latest, whatever the arrival order.
      const last = next.maintenancePrediction;
      if (last && isEarlier(event.occurredAt, last.predictedAt)) return next;
      return {
        ...next,
        maintenancePrediction: { ...event.data, predictedAt: event.occurredAt, eventId: event.id },
      };
    }
    case 'SimulationRequested':
    case 'SimulationCompleted':
    case 'SimulationCancelled':
    case 'SimulationFailed':
      // A what-if is a question asked about the twin, not a fact about it: it is in the audit
      // trail (and moves the stream's revision) but changes nothing else.
      return next;
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
  // Callers pass a copy they own (see evolveTwin).
  const reported = { ...state.reported };
  for (const reading of readings) {
    const current = reported[reading.property];
    if (current && isEarlier(reading.occurredAt, current.occurredAt)) continue;
    const resetAt = state.resetAt[reading.property];
    if (resetAt && isEarlier(reading.occurredAt, resetAt)) continue;
    reported[reading.property] = {
      value: reading.value,
      unit: reading.unit,
      occurredAt: reading.occurredAt,
      readingId: reading.readingId,
      eventId: event.id,
      revision: event.revision,
    };
  }
  const ids = new Array<string>(readings.length);
  for (let i = 0; i < readings.length; i++) ids[i] = readings[i]!.readingId;
  // `state` is the fresh copy evolveTwin made for this event: fill it rather than copy it again.
  state.reported = reported;
  state.recentReadingIds = withRecentReadingIds(state.recentReadingIds, ids);
  return state;
}

/**
 * A maintenance that resets properties (a new tool: wear starts again) removes the values read
 * before it; the latest maintenance by performed time is the "last" one, whatever the arrival order.
 */
function applyMaintenance(
  state: TwinState,
  event: EventEnvelope<EventOfType<'MaintenancePerformed'>>,
): TwinState {
  const performed = Date.parse(event.data.performedAt);
  const reported = { ...state.reported };
  const resetAt = { ...state.resetAt };
  for (const property of event.data.resets) {
    const current = reported[property];
    if (current && Date.parse(current.occurredAt) < performed) delete reported[property];
    const previous = resetAt[property];
    if (!previous || Date.parse(previous) < performed) resetAt[property] = event.data.performedAt;
  }
  const last = state.lastMaintenance;
  const isLatest = !last || Date.parse(last.performedAt) <= performed;
  return {
    ...state,
    reported,
    resetAt,
    lastMaintenance: isLatest ? { ...event.data, eventId: event.id } : last,
  };
}
