import type { AlertsProjection } from './alerts-projection';
import type { AlertTwinLookup, AlertingSettings, DecidedAlertEvent } from './alert-decision-types';
import type { AlertState } from './alert-book';
import { alertEventIdOf } from './alert-ids';
import { DecisionDraft } from './decision-draft';
import { planNotifications } from './notification-planning';
import { ruleMatches } from './rule-matching';

/**
 * The ticker's due work (docs/adr/0019 §4-6): group-update holds that ended (one member-joined
 * notice for every join held), escalation steps of alerts still open, and held deliveries of
 * alerts that resolved meanwhile (superseded, `resolved-while-held`).
 */
export function decideDue(
  p: AlertsProjection,
  twins: AlertTwinLookup,
  now: string,
  s: AlertingSettings,
): DecidedAlertEvent[] {
  const draft = new DecisionDraft(p, twins, now, s, null);
  const at = Date.parse(now);
  for (const alert of p.book.unresolved()) {
    const held = alert.heldJoin;
    if (held && Date.parse(held.until) <= at) {
      planNotifications(draft, {
        alertId: alert.view.alertId,
        transition: 'member-joined',
        transitionEventId: held.eventId,
        note: null,
      });
    }
    escalate(draft, alert, at);
  }
  supersedeHeld(draft, p);
  return draft.events();
}

/** Steps whose time has come fire while nobody acknowledged or took the alert (status open). */
function escalate(draft: DecisionDraft, alert: AlertState, at: number): void {
  if (alert.view.status !== 'open') return;
  // Steps count from when the alert's last (re)opening was recorded: a reopened alert gets its
  // own chance (its steps fired are reset), a backlogged cause does not escalate at once.
  const openedAt = Date.parse(alert.escalateFrom);
  const round = alert.view.reopenCount;
  for (const rule of draft.p.rules()) {
    if (rule.escalation.length === 0 || !ruleMatches(rule, alert.view, draft.twins)) continue;
    rule.escalation.forEach((step, index) => {
      const stepNo = index + 1;
      const fired = draft.book.alerts.get(alert.view.alertId)?.escalated ?? [];
      if (fired.includes(`${rule.ruleId}#${stepNo}`)) return;
      if (openedAt + step.afterMinutes * 60_000 > at) return;
      const id = alertEventIdOf(
        alert.view.alertId,
        'escalated',
        rule.ruleId,
        stepNo,
        ...(round > 0 ? [`reopen-${round}`] : []),
      );
      draft.emit(
        {
          type: 'AlertEscalated',
          data: {
            alertId: alert.view.alertId,
            step: stepNo,
            channels: [...step.channels],
            ruleId: rule.ruleId,
          },
        },
        id,
        alert.view.groupKey,
        null,
      );
      planNotifications(draft, {
        alertId: alert.view.alertId,
        transition: 'escalated',
        transitionEventId: id,
        note: null,
        only: { rule, channels: step.channels },
      });
    });
  }
}

/**
 * Held deliveries (quiet hours) of a resolved alert never go out. The resolve notice itself is
 * dropped too when nothing about the alert reached that channel: the person never heard of it.
 */
function supersedeHeld(draft: DecisionDraft, p: AlertsProjection): void {
  const held = p
    .heldDeliveries(draft.now)
    .filter(({ view }) => p.alert(view.alertId)?.status === 'resolved');
  if (held.length === 0) return;
  const heldIds = new Set(held.map(({ view }) => view.deliveryId));
  const reached = (alertId: string, channelId: string): boolean =>
    p
      .deliveriesOf(alertId)
      .some(
        (d) => d.channelId === channelId && !heldIds.has(d.deliveryId) && d.status !== 'superseded',
      );
  for (const { view, transitionEventId } of held) {
    if (view.transition === 'resolved' && reached(view.alertId, view.channelId)) continue;
    const alert = p.alert(view.alertId)!;
    draft.emit(
      {
        type: 'AlertNotificationSuppressed',
        data: {
          alertId: view.alertId,
          transitionEventId,
          transition: view.transition,
          channelId: view.channelId,
          ruleId: view.ruleId,
          reason: 'resolved-while-held',
          silenceId: null,
        },
      },
      alertEventIdOf(view.deliveryId, 'superseded'),
      alert.groupKey,
      transitionEventId,
      'notification',
    );
  }
}
