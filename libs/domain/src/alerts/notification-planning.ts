import type { AlertRule, AlertTransition, NotificationPayload } from './alert-events';
import type { AlertView } from './alert-views';
import { alertEventIdOf, deliveryIdOf } from './alert-ids';
import { severityAtLeast } from '../events/severity-order';
import type { DecisionDraft } from './decision-draft';
import { quietUntil } from './quiet-hours';
import { coveringSilence, ruleMatches } from './rule-matching';

export interface PlannedTransition {
  alertId: string;
  transition: AlertTransition;
  transitionEventId: string;
  note: string | null;
  /** An escalation step notifies its own channels under its own rule, nothing else. */
  only?: { rule: AlertRule; channels: readonly string[] };
  /** These rules only (a raised severity tells the rules it newly reaches), each by its channels. */
  rules?: readonly AlertRule[];
  /** A member's cause back within the flapping hold-back: recorded, not notified. */
  flapping?: boolean;
}

/** Channel ids a rule names, ['*'] being every channel there is now; unknown or deleted ones dropped. */
function channelsOf(draft: DecisionDraft, named: readonly string[]): string[] {
  if (named.includes('*')) return draft.p.channels().map((c) => c.channelId);
  return named.filter((id) => draft.p.channel(id)?.deleted === false);
}

/** Per channel the first rule (by id) that sends this alert there: one delivery per channel. */
function targetsOf(
  draft: DecisionDraft,
  alert: AlertView,
  plan: PlannedTransition,
): Map<string, AlertRule> {
  const targets = new Map<string, AlertRule>();
  const candidates = plan.only
    ? [{ rule: plan.only.rule, channels: plan.only.channels }]
    : (plan.rules ?? draft.p.rules().filter((rule) => ruleMatches(rule, alert, draft.twins))).map(
        (rule) => ({ rule, channels: rule.channels }),
      );
  for (const { rule, channels } of candidates) {
    for (const channelId of channelsOf(draft, channels)) {
      if (!targets.has(channelId)) targets.set(channelId, rule);
    }
  }
  return targets;
}

/** When the rule's quiet hours let a notice of this alert out (null: at once). */
export function quietEnd(rule: AlertRule, alert: AlertView, at: number): number | null {
  const quiet = rule.quietHours;
  if (!quiet || severityAtLeast(alert.severity, quiet.allowSeverity)) return null;
  try {
    return quietUntil(quiet, at);
  } catch {
    return null; // a zone this runtime no longer knows: send rather than hold forever
  }
}

export function payloadOf(
  deliveryId: string,
  alert: AlertView,
  plan: PlannedTransition,
  at: string,
  actor: string | null,
): NotificationPayload {
  return {
    deliveryId,
    alertId: alert.alertId,
    transition: plan.transition,
    at,
    actor,
    note: plan.note,
    alert: {
      status: alert.status,
      severity: alert.severity,
      title: alert.title,
      groupKey: alert.groupKey,
      subject: alert.subject,
      site: alert.site,
      openedAt: alert.openedAt,
      assignee: alert.assignee?.to ?? null,
      reopenCount: alert.reopenCount,
      members: alert.members.map(({ twinId, cause, since, clearedAt }) => ({
        twinId,
        cause,
        since,
        clearedAt,
      })),
    },
  };
}

/**
 * Plans the notifications of one transition (docs/adr/0019 §6): per channel of the matching
 * rules one AlertNotificationQueued, or one AlertNotificationSuppressed saying why (flapping,
 * a silence or maintenance window). Quiet hours hold a delivery until they end (recorded too).
 */
export function planNotifications(draft: DecisionDraft, plan: PlannedTransition): void {
  const state = draft.book.alerts.get(plan.alertId);
  if (!state) return;
  const alert = state.view;
  const targets = targetsOf(draft, alert, plan);
  const at = Date.parse(draft.now);
  const suppress = (
    reason: 'flapping' | 'silence' | 'maintenance-window' | 'no-rule',
    silenceId: string | null,
  ): void =>
    draft.emit(
      {
        type: 'AlertNotificationSuppressed',
        data: {
          alertId: alert.alertId,
          transitionEventId: plan.transitionEventId,
          transition: plan.transition,
          channelId: null,
          ruleId: null,
          reason,
          silenceId,
        },
      },
      alertEventIdOf(plan.transitionEventId, 'suppressed', reason),
      alert.groupKey,
      plan.transitionEventId,
      'notification',
    );
  if (targets.size === 0) {
    // A held join's notice is due once: with no rule to send it by it ends here, recorded.
    if (state.heldJoin?.eventId === plan.transitionEventId) suppress('no-rule', null);
    return;
  }
  const flapping =
    plan.flapping === true ||
    (plan.transition === 'reopened' && state.flapping) ||
    (plan.transition === 'resolved' && state.resolvedWhileFlapping);
  if (flapping) return suppress('flapping', null);
  const silence = coveringSilence(alert, draft.p.silences(), at, draft.twins);
  if (silence) return suppress(silence.kind, silence.silenceId);

  for (const channelId of [...targets.keys()].sort()) {
    const rule = targets.get(channelId)!;
    const deliveryId = deliveryIdOf(plan.transitionEventId, channelId);
    const heldUntil = quietEnd(rule, alert, at);
    if (heldUntil !== null) {
      draft.emit(
        {
          type: 'AlertNotificationSuppressed',
          data: {
            alertId: alert.alertId,
            transitionEventId: plan.transitionEventId,
            transition: plan.transition,
            channelId,
            ruleId: rule.ruleId,
            reason: 'quiet-hours',
            silenceId: null,
          },
        },
        alertEventIdOf(deliveryId, 'quiet-hours'),
        alert.groupKey,
        plan.transitionEventId,
        'notification',
      );
    }
    draft.emit(
      {
        type: 'AlertNotificationQueued',
        data: {
          deliveryId,
          alertId: alert.alertId,
          transitionEventId: plan.transitionEventId,
          channelId,
          ruleId: rule.ruleId,
          notBefore: heldUntil === null ? draft.now : new Date(heldUntil).toISOString(),
          payload: payloadOf(deliveryId, alert, plan, draft.now, draft.actor),
        },
      },
      alertEventIdOf(deliveryId, 'queued'),
      alert.groupKey,
      plan.transitionEventId,
      'notification',
    );
  }
}
