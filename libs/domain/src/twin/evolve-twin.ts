import {
  isAlertEvent,
  streamOf,
  type EventEnvelope,
  type EventOfType,
} from '../events/twin-events';
import type { TwinState } from './twin-state';
import { isEarlier } from '../time-order';
import { ownValue, setOwn } from '../own-names';
import { applyReadings } from './apply-readings';
import { severityAtLeast } from '../events/severity-order';

/**
 * Folds one recorded event into a twin's state. Idempotent: an event at or below the revision
 * already folded from its stream is a redelivery and changes nothing. Folding the two streams
 * commutes (telemetry is ordered by event time, not by arrival), so the state does not depend
 * on how a consumer interleaves them.
 */
export function evolveTwin(state: TwinState, event: EventEnvelope): TwinState {
  const telemetry = streamOf(event.type) === 'telemetry';
  // Alerting's events are about a twin but change nothing of it (docs/adr/0019).
  if (isAlertEvent(event)) return state;
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
      // `next` is this event's own copy: its reported values are replaced, never changed.
      next.reported = { ...next.reported };
      applyReadings(next, event, false);
      return next;
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
    case 'AnomalyEscalated': {
      // Only an open episode, only upwards: the worst severity so far stands.
      const open = ownValue(next.activeAnomalies, event.data.episodeId);
      if (!open || severityAtLeast(open.severity, event.data.severity)) return next;
      const { severity, score, evidence } = event.data;
      return {
        ...next,
        activeAnomalies: {
          ...next.activeAnomalies,
          [event.data.episodeId]: {
            ...open,
            severity,
            score,
            evidence,
            raisedAt: event.occurredAt,
          },
        },
      };
    }
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
    case 'AnomalyExplained':
    case 'AiFindingRecorded':
      // The AI layer's notes and findings (docs/adr/0022): in the audit trail, never state.
      return next;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
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
    const current = ownValue(reported, property);
    if (current && Date.parse(current.occurredAt) < performed) delete reported[property];
    const previous = ownValue(resetAt, property);
    if (!previous || Date.parse(previous) < performed)
      setOwn(resetAt, property, event.data.performedAt);
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
