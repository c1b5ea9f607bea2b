import type { AlertEvent, AlertMember } from './alert-events';
import type { AlertView } from './alert-views';
import { OverlayMap } from './overlay-map';
import { maxSeverity } from '../events/severity-order';
import { subjectOf, titleOf } from './alert-titles';

/** An alert as the decisions need it: its view and the bookkeeping behind its notifications. */
export interface AlertState {
  readonly view: AlertView;
  /** When the group was last told about its members (opened, or a member-joined notice). */
  readonly lastNoticeAt: string;
  /** Joins waiting for the end of the group-update hold: one notice, naming the last join. */
  readonly heldJoin: { readonly until: string; readonly eventId: string } | null;
  /** Escalation steps fired since the last (re)opening, as `<ruleId>#<step>`. */
  readonly escalated: readonly string[];
  /**
   * When its last (re)opening was recorded (the log's recordedAt): escalation steps count from
   * when people could first hear of it, not from when a backlogged cause happened.
   */
  readonly escalateFrom: string;
  /** Reopened within the flapping hold-back and not resolved since. */
  readonly flapping: boolean;
  /** Its last resolve ended a flapping reopen (that resolve's notice is suppressed too). */
  readonly resolvedWhileFlapping: boolean;
}

export interface AppliedMeta {
  id: string;
  occurredAt: string;
  /** When the log recorded it (decisions: the service clock's now). */
  recordedAt: string;
  revision: number;
  actor: string | null;
}

/**
 * Entries of history and of suppressed notifications an alert view keeps (its first, the
 * opening, and the latest); older ones are counted. The log (the twin's audit trail) has all.
 */
export const HISTORY_KEPT = 50;

const groupCauseKey = (groupKey: string, kind: string): string => `${groupKey}\u0000${kind}`;

/**
 * The alerts' life folded from the alerts stream, with the indexes decisions look causes up in.
 * A fork reads through to its base and keeps its own changes (see OverlayMap).
 */
export class AlertBook {
  readonly alerts: OverlayMap<string, AlertState>;
  /** groupKey + cause kind → the unresolved alert a new cause of that kind joins. */
  private readonly openByGroup: OverlayMap<string, string>;
  /** causeKey → the alert it last belonged to (flapping: reopen it if it resolved lately). */
  private readonly lastByCause: OverlayMap<string, string>;
  /** twin → its causes not cleared, in unresolved alerts (causeKey → alertId). */
  private readonly activeByTwin: OverlayMap<string, ReadonlyMap<string, string>>;
  /** Alerts not resolved (the ticker's escalations and holds look only at these). */
  private readonly unresolvedIds: OverlayMap<string, true>;

  constructor(base?: AlertBook) {
    this.alerts = new OverlayMap(base?.alerts);
    this.openByGroup = new OverlayMap(base?.openByGroup);
    this.lastByCause = new OverlayMap(base?.lastByCause);
    this.activeByTwin = new OverlayMap(base?.activeByTwin);
    this.unresolvedIds = new OverlayMap(base?.unresolvedIds);
  }

  /** Alerts not resolved, by id. */
  unresolved(): AlertState[] {
    const found: AlertState[] = [];
    for (const [alertId] of this.unresolvedIds.entries()) {
      const state = this.alerts.get(alertId);
      if (state) found.push(state);
    }
    return found.sort((a, b) => (a.view.alertId < b.view.alertId ? -1 : 1));
  }

  /** How many alerts are not resolved (the ready probe asks on every call). */
  unresolvedCount(): number {
    return this.unresolvedIds.size;
  }

  fork(): AlertBook {
    return new AlertBook(this);
  }

  openAlertOf(groupKey: string, kind: string): AlertState | undefined {
    const alertId = this.openByGroup.get(groupCauseKey(groupKey, kind));
    return alertId === undefined ? undefined : this.alerts.get(alertId);
  }

  lastAlertOfCause(causeKey: string): AlertState | undefined {
    const alertId = this.lastByCause.get(causeKey);
    return alertId === undefined ? undefined : this.alerts.get(alertId);
  }

  /** The twin's causes not yet cleared: causeKey → the alert and the member. */
  activeCausesOf(twinId: string): Array<{ alert: AlertState; member: AlertMember }> {
    const active = this.activeByTwin.get(twinId);
    if (!active) return [];
    const found: Array<{ alert: AlertState; member: AlertMember }> = [];
    for (const [causeKey, alertId] of active) {
      const alert = this.alerts.get(alertId);
      const member = alert?.view.members.find((m) => m.causeKey === causeKey);
      if (alert && member) found.push({ alert, member });
    }
    return found;
  }

  apply(event: AlertEvent, meta: AppliedMeta): void {
    switch (event.type) {
      case 'AlertOpened':
        return this.opened(event.data, meta);
      case 'AlertMemberJoined':
        return this.update(event.data.alertId, meta, (state) => {
          const heldUntil = event.data.heldUntil ?? null;
          const joined = this.withMember(state, event.data.member);
          // A flapping rejoin tells nobody: the group's notice bookkeeping stays as it was.
          const notice = event.data.flapping === true ? {} : undefined;
          return {
            ...joined,
            ...(notice ??
              (heldUntil === null
                ? { lastNoticeAt: meta.occurredAt, heldJoin: null }
                : { heldJoin: { until: heldUntil, eventId: meta.id } })),
            view: this.historyOf(joined.view, 'member-joined', meta, null),
          };
        });
      case 'AlertMemberCleared':
        return this.update(event.data.alertId, meta, (state) => {
          const members = state.view.members.map((m) =>
            m.causeKey === event.data.causeKey ? { ...m, clearedAt: event.data.clearedAt } : m,
          );
          const member = members.find((m) => m.causeKey === event.data.causeKey);
          if (member) this.deactivate(member.twinId, member.causeKey, state.view.alertId);
          return { ...state, view: { ...state.view, members } };
        });
      case 'AlertSeverityRaised':
        return this.update(event.data.alertId, meta, (state) => {
          const { causeKey, severity, evidence } = event.data;
          const members = state.view.members.map((m) =>
            m.causeKey !== causeKey
              ? m
              : {
                  ...m,
                  cause: {
                    ...m.cause,
                    severity: maxSeverity(m.cause.severity, severity),
                    // An anomaly's evidence is that of the reading that raised it.
                    ...(m.cause.kind === 'anomaly' ? { evidence } : {}),
                  },
                },
          );
          const raised = maxSeverity(state.view.severity, severity);
          return {
            ...state,
            view: this.historyOf(
              {
                ...state.view,
                members,
                severity: raised,
                title: titleOf(members, state.view.groupKey, raised),
              },
              'severity-raised',
              meta,
              null,
            ),
          };
        });
      case 'AlertAcknowledged':
        return this.update(event.data.alertId, meta, (state) => ({
          ...state,
          view: this.historyOf(
            {
              ...state.view,
              status: state.view.status === 'assigned' ? 'assigned' : 'acknowledged',
              acknowledged: { at: meta.occurredAt, by: meta.actor, note: event.data.note },
            },
            'acknowledged',
            meta,
            event.data.note,
          ),
        }));
      case 'AlertAssigned':
        return this.update(event.data.alertId, meta, (state) => ({
          ...state,
          view: this.historyOf(
            {
              ...state.view,
              status: 'assigned',
              assignee: {
                to: event.data.assignee,
                at: meta.occurredAt,
                by: meta.actor,
                note: event.data.note,
              },
            },
            'assigned',
            meta,
            event.data.note,
          ),
        }));
      case 'AlertEscalated':
        return this.update(event.data.alertId, meta, (state) => ({
          ...state,
          escalated: [...state.escalated, `${event.data.ruleId ?? ''}#${event.data.step}`],
          view: this.historyOf(
            { ...state.view, escalations: state.view.escalations + 1 },
            'escalated',
            meta,
            null,
          ),
        }));
      case 'AlertResolved':
        return this.update(event.data.alertId, meta, (state) => {
          // Members not cleared stay active: resolved by hand, the cause is latched until it clears.
          this.unresolvedIds.delete(state.view.alertId);
          const key = groupCauseKey(state.view.groupKey, kindOf(state));
          if (this.openByGroup.get(key) === state.view.alertId) this.openByGroup.delete(key);
          return {
            ...state,
            heldJoin: null,
            flapping: false,
            resolvedWhileFlapping: state.flapping,
            view: this.historyOf(
              {
                ...state.view,
                status: 'resolved',
                resolved: {
                  at: meta.occurredAt,
                  by: meta.actor,
                  reason: event.data.reason,
                  note: event.data.note,
                },
              },
              'resolved',
              meta,
              event.data.note,
            ),
          };
        });
      case 'AlertReopened':
        return this.update(event.data.alertId, meta, (state) => {
          const joined = this.withMember(state, event.data.member);
          this.unresolvedIds.set(state.view.alertId, true);
          this.openByGroup.set(
            groupCauseKey(state.view.groupKey, event.data.member.cause.kind),
            state.view.alertId,
          );
          for (const m of joined.view.members) {
            if (m.clearedAt === null) this.activate(m.twinId, m.causeKey, state.view.alertId);
          }
          return {
            ...joined,
            flapping: true,
            resolvedWhileFlapping: false,
            // A reopened alert gets its escalation steps anew, counted from this reopening.
            escalated: [],
            escalateFrom: meta.recordedAt,
            view: this.historyOf(
              {
                ...joined.view,
                status: 'open',
                acknowledged: null,
                assignee: null,
                resolved: null,
                reopenCount: event.data.reopenCount,
              },
              'reopened',
              meta,
              null,
            ),
          };
        });
      case 'AlertNotificationQueued':
        return this.update(event.data.alertId, meta, (state) =>
          this.noticed(state, event.data.payload.transition, event.data.transitionEventId),
        );
      case 'AlertNotificationSuppressed':
        return this.update(event.data.alertId, meta, (state) => ({
          ...this.noticed(state, event.data.transition, event.data.transitionEventId),
          view: this.suppressedOf(state.view, {
            transition: event.data.transition,
            at: meta.occurredAt,
            reason: event.data.reason,
            channelId: event.data.channelId,
            silenceId: event.data.silenceId,
          }),
        }));
      default:
        return;
    }
  }

  private opened(
    data: Extract<AlertEvent, { type: 'AlertOpened' }>['data'],
    meta: AppliedMeta,
  ): void {
    if (this.alerts.get(data.alertId)) return;
    const view: AlertView = {
      alertId: data.alertId,
      status: 'open',
      severity: data.severity,
      title: data.title,
      groupKey: data.groupKey,
      subject: data.member.twinId,
      site: data.site,
      openedAt: meta.occurredAt,
      acknowledged: null,
      assignee: null,
      resolved: null,
      escalations: 0,
      reopenCount: 0,
      members: [data.member],
      history: [],
      historyOmitted: 0,
      suppressed: [],
      suppressedOmitted: 0,
      revision: meta.revision,
    };
    this.alerts.set(data.alertId, {
      view: this.historyOf(view, 'opened', meta, null),
      lastNoticeAt: meta.occurredAt,
      heldJoin: null,
      escalated: [],
      escalateFrom: meta.recordedAt,
      flapping: false,
      resolvedWhileFlapping: false,
    });
    this.openByGroup.set(groupCauseKey(data.groupKey, data.member.cause.kind), data.alertId);
    this.unresolvedIds.set(data.alertId, true);
    this.lastByCause.set(data.member.causeKey, data.alertId);
    if (data.member.clearedAt === null)
      this.activate(data.member.twinId, data.member.causeKey, data.alertId);
  }

  private update(
    alertId: string,
    meta: AppliedMeta,
    change: (state: AlertState) => AlertState,
  ): void {
    const state = this.alerts.get(alertId);
    if (!state) return;
    const next = change(state);
    this.alerts.set(alertId, { ...next, view: { ...next.view, revision: meta.revision } });
  }

  /** Adds the member, or replaces the one with its causeKey (a cause that came back). */
  private withMember(state: AlertState, member: AlertMember): AlertState {
    const others = state.view.members.filter((m) => m.causeKey !== member.causeKey);
    const members = [...others, member];
    const severity = maxSeverity(state.view.severity, member.cause.severity);
    this.lastByCause.set(member.causeKey, state.view.alertId);
    if (member.clearedAt === null && state.view.status !== 'resolved') {
      this.activate(member.twinId, member.causeKey, state.view.alertId);
    }
    return {
      ...state,
      view: {
        ...state.view,
        members,
        severity,
        subject: subjectOf(members, state.view.groupKey),
        title: titleOf(members, state.view.groupKey, severity),
      },
    };
  }

  /** A member-joined notice went out (or was suppressed): the held joins are told. */
  private noticed(state: AlertState, transition: string, transitionEventId: string): AlertState {
    if (transition !== 'member-joined' || state.heldJoin?.eventId !== transitionEventId)
      return state;
    return { ...state, lastNoticeAt: state.heldJoin.until, heldJoin: null };
  }

  private historyOf(
    view: AlertView,
    transition: AlertView['history'][number]['transition'],
    meta: AppliedMeta,
    note: string | null,
  ): AlertView {
    const entry = { transition, at: meta.occurredAt, actor: meta.actor, note, eventId: meta.id };
    const { history } = view;
    if (history.length < HISTORY_KEPT) return { ...view, history: [...history, entry] };
    // Keep the opening and the latest: copying stays bounded however often it flaps.
    return {
      ...view,
      history: [history[0]!, ...history.slice(2), entry],
      historyOmitted: (view.historyOmitted ?? 0) + 1,
    };
  }

  private suppressedOf(view: AlertView, entry: AlertView['suppressed'][number]): AlertView {
    const { suppressed } = view;
    if (suppressed.length < HISTORY_KEPT) return { ...view, suppressed: [...suppressed, entry] };
    return {
      ...view,
      suppressed: [...suppressed.slice(1), entry],
      suppressedOmitted: (view.suppressedOmitted ?? 0) + 1,
    };
  }

  private activate(twinId: string, causeKey: string, alertId: string): void {
    const next = new Map(this.activeByTwin.get(twinId));
    next.set(causeKey, alertId);
    this.activeByTwin.set(twinId, next);
  }

  /** Ends a cause's activity in this alert (not in another it has since joined). */
  private deactivate(twinId: string, causeKey: string, alertId: string): void {
    const current = this.activeByTwin.get(twinId);
    if (current?.get(causeKey) !== alertId) return;
    const next = new Map(current);
    next.delete(causeKey);
    if (next.size === 0) this.activeByTwin.delete(twinId);
    else this.activeByTwin.set(twinId, next);
  }
}

function kindOf(state: AlertState): string {
  return state.view.members[0]?.cause.kind ?? 'anomaly';
}
