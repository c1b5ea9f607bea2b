import {
  ALERT_CHANNEL_KINDS,
  ALERT_STATUSES,
  ALERT_TRANSITIONS,
  alertCauseSchema,
  alertRuleSchema,
  DELIVERY_STATUSES,
  SEVERITIES,
  SUPPRESSION_REASONS,
} from '@twinlog/domain';
import { z } from 'zod';

/**
 * Answer schemas of the alerting API (libs/domain/src/alerts/alert-views.ts), built from the
 * alerts stream's own event schemas where they overlap, so an answer says what the log holds.
 * The CLI and the int tests read the same shapes.
 */
const time = z.string().describe('An ISO 8601 time in UTC');
const who = z.string().nullable().describe('The principal who did it; null when Twinlog did');
const note = z.string().nullable();
const transition = z.enum(ALERT_TRANSITIONS);

export const ALERT_MEMBER = z
  .object({
    twinId: z.string(),
    causeKey: z.string(),
    cause: alertCauseSchema,
    since: time,
    clearedAt: time.nullable(),
  })
  .meta({ id: 'AlertMember' });

const HISTORY_ENTRY = z.object({ transition, at: time, actor: who, note, eventId: z.string() });

export const ALERT = z
  .object({
    alertId: z.string(),
    status: z.enum(ALERT_STATUSES),
    severity: z.enum(SEVERITIES),
    title: z.string(),
    groupKey: z.string().describe('The system the alert groups under, else its one twin'),
    subject: z.string().describe("The twin it is about: its one member's, or the group's system"),
    site: z.string().nullable(),
    openedAt: time,
    acknowledged: z.object({ at: time, by: who, note }).nullable(),
    assignee: z.object({ to: z.string(), at: time, by: who, note }).nullable(),
    resolved: z
      .object({ at: time, by: who, reason: z.enum(['cause-cleared', 'by-hand']), note })
      .nullable(),
    escalations: z.number().int().nonnegative(),
    reopenCount: z.number().int().nonnegative(),
    members: z.array(ALERT_MEMBER),
    history: z
      .array(HISTORY_ENTRY)
      .describe('The opening and the latest transitions (the audit trail has every one)'),
    suppressed: z.array(
      z.object({
        transition,
        at: time,
        reason: z.enum(SUPPRESSION_REASONS),
        channelId: z.string().nullable(),
        silenceId: z.string().nullable(),
      }),
    ),
    revision: z.number().int().nonnegative(),
    historyOmitted: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('Older history entries not kept in the view (the alerts stream has them)'),
    suppressedOmitted: z.number().int().nonnegative().optional(),
    explanation: z
      .object({
        episodeId: z.string(),
        twinId: z.string(),
        eventId: z.string().describe('The AnomalyExplained event'),
        explainedAt: time,
        summary: z.string(),
        likelyCauses: z.array(z.object({ cause: z.string(), why: z.string() })),
        checkFirst: z.array(z.string()),
        model: z.string(),
      })
      .optional()
      .describe(
        "The latest AI explanation of one of its anomalies (POST /v1/anomalies/{episodeId}/explanation); absent when none. Words only: it changes none of the alert's decisions",
      ),
  })
  .meta({ id: 'Alert' });

/** An alert in a list: its history and held-back notifications counted, not listed. */
export const ALERT_SUMMARY = ALERT.omit({ history: true, suppressed: true })
  .extend({
    historyCount: z.number().int().nonnegative().describe('Transitions so far, kept or not'),
    suppressedCount: z
      .number()
      .int()
      .nonnegative()
      .describe('Notifications held back so far (`GET /v1/alerts/{id}` lists them)'),
    lastTransition: HISTORY_ENTRY.nullable().describe('The latest transition'),
  })
  .meta({ id: 'AlertSummary' });

export const ALERT_DELIVERY = z
  .object({
    deliveryId: z.string().describe('The same on every retry: X-Twinlog-Delivery'),
    alertId: z.string(),
    channelId: z.string(),
    ruleId: z.string(),
    transition,
    status: z.enum(DELIVERY_STATUSES),
    queuedAt: time,
    notBefore: time,
    nextAttemptAt: time.nullable(),
    attempts: z.number().int().nonnegative(),
    lastError: z.string().nullable(),
    lastStatus: z.number().int().nullable(),
    deliveredAt: time.nullable(),
    deadAt: time.nullable(),
  })
  .meta({ id: 'AlertDelivery' });

export const ALERT_CHANNEL = z
  .object({
    channelId: z.string(),
    name: z.string(),
    kind: z.enum(ALERT_CHANNEL_KINDS),
    display: z
      .string()
      .describe("The URL's scheme and host, or the addresses' domains: never a secret"),
    createdAt: time,
    createdBy: who,
  })
  .meta({ id: 'AlertChannel' });

export const ALERT_CHANNEL_TEST = z.object({
  ok: z.boolean(),
  status: z.number().int().nullable().describe('The HTTP status or SMTP reply code, if any'),
  error: z.string().nullable(),
});

export const ALERT_RULE = alertRuleSchema
  .extend({ updatedAt: time, updatedBy: who })
  .meta({ id: 'AlertRule' });

export const SILENCE = z
  .object({
    silenceId: z.string(),
    kind: z.enum(['silence', 'maintenance-window']),
    twinId: z.string().nullable(),
    site: z.string().nullable(),
    from: time,
    to: time,
    reason: z.string(),
    createdAt: time,
    createdBy: who,
    liftedAt: time.nullable(),
    liftedBy: who,
  })
  .meta({ id: 'Silence' });
