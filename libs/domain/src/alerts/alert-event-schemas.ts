import { z } from 'zod';
import { SEVERITIES } from '../events/twin-events';
import {
  ALERT_CAUSE_KINDS,
  ALERT_CHANNEL_KINDS,
  ALERT_STATUSES,
  ALERT_TRANSITIONS,
  SUPPRESSION_REASONS,
  type AlertEventType,
} from './alert-events';

const isoTime = z.iso.datetime({ offset: true });
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const id = z.string().min(1).max(200);
const severity = z.enum(SEVERITIES);
const note = z.string().max(4_000).nullable();

const evidence = z.object({
  property: z.string(),
  observed: finite,
  expected: finite.optional(),
  expectedLow: finite.optional(),
  expectedHigh: finite.optional(),
});

export const alertCauseSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('anomaly'),
    twinId: id,
    episodeId: id,
    detector: z.string().min(1),
    // As AnomalyDetected allows them (its schema is the input's): every valid finding can alert.
    properties: z.array(z.string()),
    severity,
    evidence: z.array(evidence),
  }),
  z.object({
    kind: z.literal('maintenance'),
    twinId: id,
    measure: z.enum(['rul-p10', 'health-index']),
    value: finite,
    threshold: finite,
    severity,
    predictionEventId: id,
  }),
  z.object({
    kind: z.literal('silence'),
    twinId: id,
    lastReadingAt: isoTime.nullable(),
    silentForSeconds: finite.min(0),
    severity,
  }),
]);

const member = z.object({
  twinId: id,
  causeKey: z.string().min(1).max(1_000),
  cause: alertCauseSchema,
  since: isoTime,
  clearedAt: isoTime.nullable(),
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (00:00-23:59)');

export const quietHoursSchema = z.object({
  from: hhmm,
  to: hhmm,
  timeZone: z.string().min(1).max(100),
  allowSeverity: severity,
});

export const escalationStepSchema = z.object({
  afterMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  channels: z.array(id).min(1).max(50),
});

export const alertMatchSchema = z.object({
  minSeverity: severity,
  causes: z.array(z.enum(ALERT_CAUSE_KINDS)),
  twinTypes: z.array(z.string().min(1).max(200)),
  sites: z.array(z.string().min(1).max(200)),
  subtree: id.nullable(),
  properties: z.array(z.string().min(1).max(200)),
});

export const alertRuleSchema = z.object({
  ruleId: id,
  name: z.string().min(1).max(200),
  match: alertMatchSchema,
  channels: z.array(id).max(50),
  quietHours: quietHoursSchema.nullable(),
  escalation: z.array(escalationStepSchema).max(10),
  enabled: z.boolean(),
});

const payload = z.object({
  deliveryId: id,
  alertId: id,
  transition: z.enum(ALERT_TRANSITIONS),
  at: isoTime,
  actor: z.string().nullable(),
  note,
  alert: z.object({
    status: z.enum(ALERT_STATUSES),
    severity,
    title: z.string(),
    groupKey: id,
    subject: id,
    site: z.string().nullable(),
    openedAt: isoTime,
    assignee: z.string().nullable(),
    reopenCount: z.number().int().min(0),
    members: z.array(
      z.object({
        twinId: id,
        cause: alertCauseSchema,
        since: isoTime,
        clearedAt: isoTime.nullable(),
      }),
    ),
  }),
});

/** Payload schemas of the alerts stream's events (current versions). */
export const ALERT_EVENT_DATA_SCHEMAS: Record<AlertEventType, z.ZodType> = {
  AlertOpened: z.object({
    alertId: id,
    groupKey: id,
    severity,
    title: z.string().min(1).max(500),
    site: z.string().nullable(),
    member,
  }),
  AlertMemberJoined: z.object({
    alertId: id,
    member,
    heldUntil: isoTime.nullable().optional(),
    flapping: z.boolean().optional(),
  }),
  AlertSeverityRaised: z.object({
    alertId: id,
    causeKey: z.string().min(1),
    severity,
    evidence: z.array(evidence),
  }),
  AlertMemberCleared: z.object({ alertId: id, causeKey: z.string().min(1), clearedAt: isoTime }),
  AlertAcknowledged: z.object({ alertId: id, note }),
  AlertAssigned: z.object({ alertId: id, assignee: z.string().min(1).max(200), note }),
  AlertEscalated: z.object({
    alertId: id,
    step: z.number().int().min(1),
    channels: z.array(id),
    ruleId: id.optional(),
  }),
  AlertResolved: z.object({ alertId: id, reason: z.enum(['cause-cleared', 'by-hand']), note }),
  AlertReopened: z.object({ alertId: id, member, reopenCount: z.number().int().min(1) }),
  AlertNotificationQueued: z.object({
    deliveryId: id,
    alertId: id,
    transitionEventId: id,
    channelId: id,
    ruleId: id,
    notBefore: isoTime,
    payload,
  }),
  AlertNotificationSuppressed: z.object({
    alertId: id,
    transitionEventId: id,
    transition: z.enum(ALERT_TRANSITIONS),
    channelId: id.nullable(),
    ruleId: id.nullable(),
    reason: z.enum(SUPPRESSION_REASONS),
    silenceId: id.nullable(),
  }),
  AlertDeliveryAttempted: z.object({
    deliveryId: id,
    alertId: id,
    attempt: z.number().int().min(1),
    status: z.number().int().nullable(),
    error: z.string().max(2_000),
    nextAttemptAt: isoTime,
  }),
  AlertDelivered: z.object({
    deliveryId: id,
    alertId: id,
    attempt: z.number().int().min(1),
    status: z.number().int().nullable(),
  }),
  AlertDeliveryDead: z.object({
    deliveryId: id,
    alertId: id,
    attempts: z.number().int().min(0),
    lastError: z.string().max(2_000),
  }),
  AlertDeliveryRequeued: z.object({ deliveryId: id, alertId: id }),
  AlertChannelCreated: z.object({
    channelId: id,
    name: z.string().min(1).max(200),
    kind: z.enum(ALERT_CHANNEL_KINDS),
    sealedTarget: z.string().min(1).max(20_000),
    display: z.string().max(500),
  }),
  AlertChannelDeleted: z.object({ channelId: id }),
  AlertRuleSet: alertRuleSchema,
  AlertRuleDeleted: z.object({ ruleId: id }),
  SilenceSet: z
    .object({
      silenceId: id,
      kind: z.enum(['silence', 'maintenance-window']),
      twinId: id.nullable(),
      site: z.string().min(1).nullable(),
      from: isoTime,
      to: isoTime,
      reason: z.string().max(1_000),
    })
    // What it holds back is a twin's subtree or a site, exactly one, for a time that ends after
    // it starts: a log never holds a silence no projection could place.
    .superRefine((s, ctx) => {
      if (s.twinId !== null && s.site !== null)
        ctx.addIssue({ code: 'custom', path: ['site'], message: 'give twinId or site, not both' });
      if (s.twinId === null && s.site === null)
        ctx.addIssue({ code: 'custom', path: ['twinId'], message: 'give twinId or site' });
      if (Date.parse(s.to) <= Date.parse(s.from))
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    }),
  SilenceLifted: z.object({ silenceId: id }),
};
