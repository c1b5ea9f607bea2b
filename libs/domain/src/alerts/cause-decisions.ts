import type { EventEnvelope, EventOfType } from '../events/twin-events';
import type { AlertsProjection } from './alerts-projection';
import type { AlertTwinLookup, AlertingSettings, DecidedAlertEvent } from './alert-decision-types';
import { clearCause, openCause, raiseCause } from './alert-causes';
import { DecisionDraft } from './decision-draft';

/** Hysteresis: a crossed threshold clears only once the value is back 10 % beyond it. */
const HYSTERESIS = 1.1;

/**
 * A twin event's effect on alerts (docs/adr/0019 §4): an anomaly episode or a prediction under
 * a threshold opens (or joins, or reopens) an alert; its end, maintenance performed or the twin
 * retired clears the cause; an episode that gets worse raises its alert's severity. An input
 * already decided on (a redelivered batch) decides nothing.
 *
 * The cause is decided at its own time (the input's recordedAt), not `now`: worked through after
 * an outage, a backlog of episodes is one alert per episode with its resolves, in the order and
 * at the spacing they happened, and redeciding from the offsets gives the same answers. `now`
 * (the service clock) is only when the events are recorded: escalations count from it.
 */
export function decideOnTwinEvent(
  p: AlertsProjection,
  twins: AlertTwinLookup,
  event: EventEnvelope,
  now: string,
  s: AlertingSettings,
): DecidedAlertEvent[] {
  if (p.decidedOn(event.id)) return [];
  const at = Number.isFinite(Date.parse(event.recordedAt)) ? event.recordedAt : now;
  const draft = new DecisionDraft(p, twins, at, s, null, now);
  const twinId = event.twinId;
  const active = (): ReturnType<typeof draft.book.activeCausesOf> =>
    draft.book.activeCausesOf(twinId);
  /** The open alert members an anomaly episode (of one detector) is the cause of. */
  const ofEpisode = ({ episodeId, detector }: { episodeId: string; detector: string }) =>
    active().filter(
      ({ member: { cause } }) =>
        cause.kind === 'anomaly' && cause.episodeId === episodeId && cause.detector === detector,
    );
  switch (event.type) {
    case 'AnomalyDetected': {
      if (twins(twinId)?.retired) break;
      const { episodeId, detector, properties, severity, evidence } = event.data;
      openCause(
        draft,
        { kind: 'anomaly', twinId, episodeId, detector, properties, severity, evidence },
        event.id,
        event.id,
      );
      break;
    }
    case 'AnomalyEscalated':
      // The open alert of the episode gets worse with it (a cleared or unknown one: nothing).
      for (const { alert, member } of ofEpisode(event.data)) {
        const { severity, evidence } = event.data;
        raiseCause(draft, alert.view.alertId, member.causeKey, severity, evidence, event.id);
      }
      break;
    case 'AnomalyCleared':
      for (const { alert, member } of ofEpisode(event.data))
        clearCause(draft, alert.view.alertId, member.causeKey, event.id, event.id);
      break;
    case 'MaintenancePredicted':
      if (twins(twinId)?.retired) break;
      decidePrediction(draft, event as EventEnvelope<EventOfType<'MaintenancePredicted'>>);
      break;
    case 'MaintenancePerformed':
    case 'TwinRetired':
      for (const { alert, member } of active()) {
        if (event.type === 'TwinRetired' || member.cause.kind === 'maintenance') {
          clearCause(draft, alert.view.alertId, member.causeKey, event.id, event.id);
        }
      }
      break;
    default:
      break;
  }
  return draft.events();
}

function decidePrediction(
  draft: DecisionDraft,
  event: EventEnvelope<EventOfType<'MaintenancePredicted'>>,
): void {
  const { s } = draft;
  const prediction = event.data;
  const measures = [
    {
      measure: 'rul-p10' as const,
      value: prediction.rulLowHours,
      threshold: s.rulP10Hours,
      ignore: prediction.beyondHorizon === true,
      // The planner's priority, not an absolute P10: 24 h is a bearing's job but a tool's life.
      severity: prediction.priority === 'critical' ? ('critical' as const) : ('alarm' as const),
    },
    {
      measure: 'health-index' as const,
      value: prediction.healthIndex,
      threshold: s.healthIndexBelow,
      ignore: false,
      severity: 'warning' as const,
    },
  ];
  for (const { measure, value, threshold, ignore, severity } of measures) {
    if (!ignore && !Number.isFinite(value)) continue;
    const causeId = `${event.id}/${measure}`;
    const active = draft.book
      .activeCausesOf(event.twinId)
      .find(
        ({ member }) => member.cause.kind === 'maintenance' && member.cause.measure === measure,
      );
    if (active) {
      if (ignore || value >= threshold * HYSTERESIS) {
        clearCause(draft, active.alert.view.alertId, active.member.causeKey, causeId, event.id);
      }
    } else if (!ignore && value < threshold) {
      openCause(
        draft,
        {
          kind: 'maintenance',
          twinId: event.twinId,
          measure,
          value,
          threshold,
          severity,
          predictionEventId: event.id,
        },
        causeId,
        event.id,
      );
    }
  }
}

/**
 * Twins gone silent (docs/adr/0019 §4): a twin not retired whose last reading is older than
 * ALERTING_SILENT_AFTER_SECONDS opens a `silence` cause; a reading since clears it. Twins are
 * visited by id, so the same input always decides the same alert ids.
 */
export function decideSilences(
  p: AlertsProjection,
  twins: AlertTwinLookup,
  lastSeen: ReadonlyMap<string, string>,
  now: string,
  s: AlertingSettings,
): DecidedAlertEvent[] {
  const draft = new DecisionDraft(p, twins, now, s, null);
  const at = Date.parse(now);
  for (const twinId of [...lastSeen.keys()].sort()) {
    const lastAt = lastSeen.get(twinId)!;
    const lastMs = Date.parse(lastAt);
    const info = twins(twinId);
    if (!info || info.retired || !Number.isFinite(lastMs)) continue;
    const silentFor = Math.max(0, Math.floor((at - lastMs) / 1000));
    const active = draft.book
      .activeCausesOf(twinId)
      .find(({ member }) => member.cause.kind === 'silence');
    const causeId = `silence/${twinId}/${lastAt}`;
    if (silentFor >= s.silentAfterSeconds && !active) {
      openCause(
        draft,
        {
          kind: 'silence',
          twinId,
          lastReadingAt: lastAt,
          silentForSeconds: silentFor,
          severity: 'warning',
        },
        causeId,
        null,
      );
    } else if (silentFor < s.silentAfterSeconds && active) {
      clearCause(
        draft,
        active.alert.view.alertId,
        active.member.causeKey,
        `${causeId}/resumed`,
        null,
      );
    }
  }
  return draft.events();
}
