import type { HealthAssessment } from '@twinlog/analytics';
import {
  CURRENT_SCHEMA_VERSION,
  type EventEnvelope,
  type MaintenancePrediction,
  type NewEvent,
} from '@twinlog/domain';

export const MAINTENANCE_PRODUCER = 'maintenance';

const iso = (ms: number) => new Date(ms).toISOString();
const hours = (h: number) => Number(h.toFixed(3));

/** The event's payload: health, remaining life with its band, and what to do when. */
export function predictionOf(a: HealthAssessment): MaintenancePrediction {
  const { life, recommendation: r } = a;
  return {
    healthIndex: a.healthIndex,
    rulHours: hours(life.p50),
    rulLowHours: hours(life.p10),
    rulHighHours: hours(life.p90),
    basis: a.basis,
    model: a.model,
    priority: r.priority,
    window: { from: iso(r.window.from), to: iso(r.window.to) },
    maintenanceType: r.type,
    action: r.action,
    downtimeHours: r.downtimeHours,
    beyondHorizon: life.beyond.p50,
    features: a.features,
    anomalyPenalty: Number(a.anomalies.penalty.toFixed(2)),
  };
}

/**
 * A MaintenancePredicted event. Its id is the twin and the event time of the prediction (the
 * reading it was made at), so predicting from the same readings again, here or on a worker
 * that took the partition over, appends nothing new: the log refuses the known id.
 */
export function predictionEvent(a: HealthAssessment, cause: EventEnvelope, now: string): NewEvent {
  return {
    id: `${a.twinId}/maintenance/${iso(a.at)}`,
    twinId: a.twinId,
    type: 'MaintenancePredicted',
    schemaVersion: CURRENT_SCHEMA_VERSION.MaintenancePredicted,
    occurredAt: iso(a.at),
    recordedAt: now,
    correlationId: cause.correlationId,
    causationId: cause.id,
    producer: MAINTENANCE_PRODUCER,
    data: predictionOf(a),
  };
}
