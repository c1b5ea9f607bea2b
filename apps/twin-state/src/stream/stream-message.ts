import type { EventEnvelope, TwinEventType } from '@twinlog/domain';
import type { LogPosition } from '@twinlog/event-log';
import { z } from 'zod';

/**
 * The kinds of message the stream carries, each an SSE `event:` name. A list to extend (with
 * MESSAGE_TYPE_OF_EVENT); clients that filter by type are unaffected.
 */
export const STREAM_MESSAGE_TYPES = [
  'state-changed',
  'anomaly-opened',
  'anomaly-closed',
  /** An open episode's severity rose (AnomalyEscalated). */
  'anomaly-raised',
  'maintenance-predicted',
  'alert-opened',
  'alert-changed',
] as const;
export type StreamMessageType = (typeof STREAM_MESSAGE_TYPES)[number];

/**
 * Which log events the stream carries, as which message. Simulation runs are records of
 * questions, not changes of a twin: left out. Of the alerts stream, an alert's life: not its
 * notifications and deliveries (alerting's bookkeeping, `GET /v1/alert-deliveries`), nor the
 * rules, channels and silences (configuration, keyed by no twin).
 */
const MESSAGE_TYPE_OF_EVENT: Partial<Record<TwinEventType, StreamMessageType>> = {
  TwinRegistered: 'state-changed',
  ChildAttached: 'state-changed',
  ModelVersionChanged: 'state-changed',
  LimitsChanged: 'state-changed',
  TelemetryReported: 'state-changed',
  MaintenancePerformed: 'state-changed',
  TwinRetired: 'state-changed',
  AnomalyDetected: 'anomaly-opened',
  AnomalyEscalated: 'anomaly-raised',
  AnomalyCleared: 'anomaly-closed',
  MaintenancePredicted: 'maintenance-predicted',
  AlertOpened: 'alert-opened',
  AlertMemberJoined: 'alert-changed',
  AlertMemberCleared: 'alert-changed',
  AlertSeverityRaised: 'alert-changed',
  AlertAcknowledged: 'alert-changed',
  AlertAssigned: 'alert-changed',
  AlertEscalated: 'alert-changed',
  AlertReopened: 'alert-changed',
  AlertResolved: 'alert-changed',
};

export function messageTypeOf(eventType: TwinEventType): StreamMessageType | undefined {
  return MESSAGE_TYPE_OF_EVENT[eventType];
}

/**
 * One message's `data`, as JSON: the log event that made the change, with the twin's site (an
 * alert's: its group's twin, and the alert's site).
 */
export const STREAM_MESSAGE_DATA = z.object({
  twinId: z.string(),
  site: z.string().nullable(),
  /** The log event behind the message: TelemetryReported, AnomalyDetected, AlertOpened, ... */
  event: z.string(),
  eventId: z.string(),
  revision: z.number().int(),
  occurredAt: z.string(),
  /** When Twinlog recorded (accepted) it. */
  recordedAt: z.string(),
  /** The event's payload as in the log (docs/services/twin-state.md lists them). */
  data: z.record(z.string(), z.unknown()),
});
export type StreamMessageData = z.infer<typeof STREAM_MESSAGE_DATA>;

/** The message sent, and closed after, to a client that did not keep up. */
export const FELL_BEHIND_DATA = z.object({ resumeFrom: z.string() });

/** A log event as the stream holds it: where it is, where its twin sits, and its id. */
export interface StreamMessage {
  type: StreamMessageType;
  position: LogPosition;
  /** The stream position just after it (StreamCursor encoded): its SSE id. */
  id: string;
  event: EventEnvelope;
  site: string | null;
  /**
   * The twins it is about (for twin filters): its own, first; an alert's also its members as
   * of the message's position.
   */
  twins: readonly string[];
  /** Their parents, grandparents, ... not already in `twins` (for subtree filters). */
  ancestors: readonly string[];
  /**
   * The sites of the other twins the event names (queries/relatives.ts), when it names any: a
   * caller that may not see one of them does not get the message, as in the audit trail.
   */
  relativeSites?: ReadonlyMap<string, string | null>;
  /** Its SSE frame, made once on first use and shared by every client. */
  frame?: string;
}

export function frameOf(message: StreamMessage): string {
  if (message.frame !== undefined) return message.frame;
  const { event, site } = message;
  const data: StreamMessageData = {
    twinId: event.twinId,
    site,
    event: event.type,
    eventId: event.id,
    revision: event.revision,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    data: event.data as Record<string, unknown>,
  };
  message.frame = `id: ${message.id}\nevent: ${message.type}\ndata: ${JSON.stringify(data)}\n\n`;
  return message.frame;
}

export function fellBehindFrame(resumeFrom: string): string {
  return `id: ${resumeFrom}\nevent: fell-behind\ndata: ${JSON.stringify({ resumeFrom })}\n\n`;
}

/** The message sent, and closed after, to a client whose credential was revoked or expired. */
export const UNAUTHORIZED_DATA = z.object({ reason: z.string() });

export function unauthorizedFrame(why: string): string {
  return `event: unauthorized\ndata: ${JSON.stringify({ reason: why })}\n\n`;
}
