import { CURRENT_SCHEMA_VERSION, type AiFinding, type NewEvent } from '@twinlog/domain';
import { ANOMALY_PRODUCER } from '../detection/anomaly-events';
import type { ClosedWindow } from './reading-windows';

/**
 * The id of a twin's finding about the window ending at `to`: derived from the twin and the
 * window (aligned to event time), so a restart, a takeover or a redelivery that asks about the
 * same window again appends nothing new (the log refuses the known id).
 */
export function aiFindingId(twinId: string, to: number): string {
  return `${twinId}/second-opinion/${new Date(to).toISOString()}`;
}

/** The AiFindingRecorded of a possible anomaly the model saw in a window. */
export function aiFindingEvent(
  twinId: string,
  window: ClosedWindow,
  finding: Omit<AiFinding, 'source' | 'verdict' | 'window'>,
  now: string,
): NewEvent {
  const to = new Date(window.to).toISOString();
  return {
    id: aiFindingId(twinId, window.to),
    twinId,
    type: 'AiFindingRecorded',
    schemaVersion: CURRENT_SCHEMA_VERSION.AiFindingRecorded,
    occurredAt: to,
    recordedAt: now,
    correlationId: window.lastEvent.correlationId,
    causationId: window.lastEvent.id,
    producer: ANOMALY_PRODUCER,
    data: {
      source: 'ai-second-opinion',
      verdict: 'possible-anomaly',
      properties: finding.properties,
      summary: finding.summary,
      window: { from: new Date(window.from).toISOString(), to },
      readings: finding.readings,
      model: finding.model,
      promptVersion: finding.promptVersion,
    },
  };
}
