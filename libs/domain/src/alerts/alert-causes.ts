import type { AnomalyEvidence, Severity } from '../events/twin-events';
import { severityAtLeast } from '../events/severity-order';
import type { AlertCause, AlertMember } from './alert-events';
import type { AlertState } from './alert-book';
import { alertEventIdOf, alertIdOf, causeDigestOf } from './alert-ids';
import { titleOf } from './alert-titles';
import type { DecisionDraft } from './decision-draft';
import { planNotifications, quietEnd } from './notification-planning';
import { ruleMatches } from './rule-matching';
import { groupKeyOf } from './twin-ancestry';

/**
 * One key per recurring cause (not per episode): twin, kind, detector, sorted properties. An
 * anomaly's key is a digest: a finding may name any number of properties of any length.
 */
export function causeKeyOf(cause: AlertCause): string {
  switch (cause.kind) {
    case 'anomaly':
      return `anomaly:${causeDigestOf([
        cause.twinId,
        cause.detector,
        ...[...new Set(cause.properties)].sort(),
      ])}`;
    case 'maintenance':
      return JSON.stringify(['maintenance', cause.twinId, cause.measure]);
    case 'silence':
      return JSON.stringify(['silence', cause.twinId]);
  }
}

/** When a join's member-joined notice may go out: null = at once, else the hold's end. */
function joinHeldUntil(alert: AlertState, now: number, holdMs: number): string | null {
  const held = alert.heldJoin;
  if (held && Date.parse(held.until) > now) return held.until;
  const base = Date.parse(held ? held.until : alert.lastNoticeAt);
  return now >= base + holdMs ? null : new Date(base + holdMs).toISOString();
}

/** The cause is a member of the alert already and cleared within the flapping hold-back. */
function rejoinsFlapping(
  alert: AlertState,
  causeKey: string,
  now: number,
  holdMs: number,
): boolean {
  const previous = alert.view.members.find((m) => m.causeKey === causeKey);
  if (!previous || previous.clearedAt === null) return false;
  return now - Date.parse(previous.clearedAt) < holdMs;
}

/**
 * A cause begins (docs/adr/0019 §4): it joins the open alert of its group and kind, or reopens
 * its own alert resolved within the flapping hold-back, or opens a new alert. A cause already
 * active decides nothing. `causeId` names this beginning (the twin event's id, or the silence's).
 */
export function openCause(
  draft: DecisionDraft,
  cause: AlertCause,
  causeId: string,
  causationId: string | null,
): void {
  const causeKey = causeKeyOf(cause);
  const active = draft.book
    .activeCausesOf(cause.twinId)
    .find(({ member }) => member.causeKey === causeKey);
  if (active) {
    // The cause goes on (also in an alert resolved by hand); only a new anomaly episode, whose
    // predecessor's clear was lost, ends it and begins anew.
    const previous = active.member.cause;
    if (
      cause.kind !== 'anomaly' ||
      previous.kind !== 'anomaly' ||
      previous.episodeId === cause.episodeId
    )
      return;
    clearCause(draft, active.alert.view.alertId, causeKey, `${causeId}/superseded`, causationId);
  }
  const member: AlertMember = {
    twinId: cause.twinId,
    causeKey,
    cause,
    since: draft.now,
    clearedAt: null,
  };
  const groupKey = groupKeyOf(cause.twinId, draft.twins);
  const now = Date.parse(draft.now);

  const open = draft.book.openAlertOf(groupKey, cause.kind);
  if (open) {
    const id = alertEventIdOf(causeId, 'joined');
    if (rejoinsFlapping(open, causeKey, now, draft.s.flapHoldSeconds * 1000)) {
      // A member that keeps clearing and coming back tells nobody anything new.
      draft.emit(
        {
          type: 'AlertMemberJoined',
          data: { alertId: open.view.alertId, member, heldUntil: null, flapping: true },
        },
        id,
        open.view.groupKey,
        causationId,
      );
      planNotifications(draft, {
        alertId: open.view.alertId,
        transition: 'member-joined',
        transitionEventId: id,
        note: null,
        flapping: true,
      });
      return;
    }
    const heldUntil = joinHeldUntil(open, now, draft.s.groupUpdateSeconds * 1000);
    draft.emit(
      { type: 'AlertMemberJoined', data: { alertId: open.view.alertId, member, heldUntil } },
      id,
      open.view.groupKey,
      causationId,
    );
    if (heldUntil === null) {
      planNotifications(draft, {
        alertId: open.view.alertId,
        transition: 'member-joined',
        transitionEventId: id,
        note: null,
      });
    }
    return;
  }

  const last = draft.book.lastAlertOfCause(causeKey);
  const resolvedAt = last?.view.resolved ? Date.parse(last.view.resolved.at) : NaN;
  if (
    last &&
    last.view.status === 'resolved' &&
    now - resolvedAt < draft.s.flapHoldSeconds * 1000
  ) {
    const id = alertEventIdOf(causeId, 'reopened');
    draft.emit(
      {
        type: 'AlertReopened',
        data: { alertId: last.view.alertId, member, reopenCount: last.view.reopenCount + 1 },
      },
      id,
      last.view.groupKey,
      causationId,
    );
    planNotifications(draft, {
      alertId: last.view.alertId,
      transition: 'reopened',
      transitionEventId: id,
      note: null,
    });
    return;
  }

  const alertId = alertIdOf(causeId);
  const id = alertEventIdOf(causeId, 'opened');
  const site = draft.twins(groupKey)?.site ?? draft.twins(cause.twinId)?.site ?? null;
  draft.emit(
    {
      type: 'AlertOpened',
      data: {
        alertId,
        groupKey,
        severity: cause.severity,
        title: titleOf([member], groupKey, cause.severity),
        site,
        member,
      },
    },
    id,
    groupKey,
    causationId,
  );
  planNotifications(draft, { alertId, transition: 'opened', transitionEventId: id, note: null });
}

/**
 * A member's cause cleared; when it was the last one, the alert resolves (cause-cleared). On an
 * alert resolved by hand it only ends the cause, so its next occurrence may alert again.
 */
export function clearCause(
  draft: DecisionDraft,
  alertId: string,
  causeKey: string,
  causeId: string,
  causationId: string | null,
): void {
  const alert = draft.book.alerts.get(alertId);
  if (!alert) return;
  draft.emit(
    { type: 'AlertMemberCleared', data: { alertId, causeKey, clearedAt: draft.now } },
    alertEventIdOf(causeId, 'cleared', causeKey),
    alert.view.groupKey,
    causationId,
  );
  const after = draft.book.alerts.get(alertId)!;
  if (after.view.status === 'resolved' || after.view.members.some((m) => m.clearedAt === null))
    return;
  const id = alertEventIdOf(causeId, 'resolved', alertId);
  draft.emit(
    { type: 'AlertResolved', data: { alertId, reason: 'cause-cleared', note: null } },
    id,
    alert.view.groupKey,
    causationId,
  );
  planNotifications(draft, { alertId, transition: 'resolved', transitionEventId: id, note: null });
}

/**
 * A member's cause got worse (docs/adr/0019 §4): the member's severity, and the alert's when
 * higher (never lower). The rules that take the alert only now (their minSeverity newly met),
 * or whose quiet hours held it and now let it out at once, are told once (`severity-raised`);
 * the others have been told already. A resolved alert (by hand) is raised on record, untold.
 */
export function raiseCause(
  draft: DecisionDraft,
  alertId: string,
  causeKey: string,
  severity: Severity,
  evidence: AnomalyEvidence[],
  causeId: string,
): void {
  const before = draft.book.alerts.get(alertId);
  const member = before?.view.members.find((m) => m.causeKey === causeKey);
  if (!before || !member || severityAtLeast(member.cause.severity, severity)) return;
  const id = alertEventIdOf(causeId, 'raised', causeKey);
  draft.emit(
    { type: 'AlertSeverityRaised', data: { alertId, causeKey, severity, evidence } },
    id,
    before.view.groupKey,
    causeId,
  );
  const after = draft.book.alerts.get(alertId)!;
  if (after.view.status === 'resolved') return;
  const at = Date.parse(draft.now);
  const rules = draft.p
    .rules()
    .filter(
      (rule) =>
        ruleMatches(rule, after.view, draft.twins) &&
        (!ruleMatches(rule, before.view, draft.twins) ||
          (quietEnd(rule, before.view, at) !== null && quietEnd(rule, after.view, at) === null)),
    );
  if (rules.length === 0) return;
  planNotifications(draft, {
    alertId,
    transition: 'severity-raised',
    transitionEventId: id,
    note: null,
    rules,
  });
}
