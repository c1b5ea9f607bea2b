import type { AnomalyChange } from '@twinlog/analytics';
import { CURRENT_SCHEMA_VERSION, type EventEnvelope, type NewEvent } from '@twinlog/domain';

export const ANOMALY_PRODUCER = 'anomaly';

/**
 * The event that reports a detector's change. Its id is derived from the episode (itself derived
 * from the reading that opened it) and the change (and the severity reached), so judging the same readings twice, on this worker or on
 * one that took its partition over, appends nothing new: the log refuses the known id.
 */
export function anomalyEvent(
  twinId: string,
  change: AnomalyChange,
  cause: EventEnvelope,
  now: string,
): NewEvent {
  const meta = {
    twinId,
    occurredAt: new Date(change.at).toISOString(),
    recordedAt: now,
    correlationId: cause.correlationId,
    causationId: cause.id,
    producer: ANOMALY_PRODUCER,
  };
  if (change.kind === 'cleared') {
    return {
      ...meta,
      id: `${change.episodeId}/cleared`,
      type: 'AnomalyCleared',
      schemaVersion: CURRENT_SCHEMA_VERSION.AnomalyCleared,
      data: { episodeId: change.episodeId, detector: change.detector },
    };
  }
  if (change.kind === 'escalated') {
    return {
      ...meta,
      // One per severity an episode reaches: a replay or a takeover raises it once.
      id: `${change.episodeId}/escalated/${change.severity}`,
      type: 'AnomalyEscalated',
      schemaVersion: CURRENT_SCHEMA_VERSION.AnomalyEscalated,
      data: {
        episodeId: change.episodeId,
        detector: change.detector,
        severity: change.severity,
        score: Math.min(1, Math.max(0, change.score)),
        evidence: change.evidence,
      },
    };
  }
  const properties = [
    ...new Set([change.property, ...change.evidence.map((e) => e.property)]),
  ].filter((p) => p !== '*');
  return {
    ...meta,
    id: `${change.episodeId}/detected`,
    type: 'AnomalyDetected',
    schemaVersion: CURRENT_SCHEMA_VERSION.AnomalyDetected,
    data: {
      episodeId: change.episodeId,
      detector: change.detector,
      properties: properties.length > 0 ? properties : [change.property],
      score: Math.min(1, Math.max(0, change.score)),
      severity: change.severity,
      evidence: change.evidence,
    },
  };
}
