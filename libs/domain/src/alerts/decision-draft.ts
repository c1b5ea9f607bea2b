import type { AlertEvent } from './alert-events';
import type { AlertBook } from './alert-book';
import type { AlertsProjection } from './alerts-projection';
import type { AlertTwinLookup, AlertingSettings, DecidedAlertEvent } from './alert-decision-types';

/**
 * One decision's scratch: an overlay of the projection's alerts on which each decided event is
 * applied at once, so later steps of the same decision (a second twin joining the alert the first
 * opened; the notification of a transition) see it. Transitions and the notifications they plan
 * are collected apart and returned transitions first.
 */
export class DecisionDraft {
  readonly book: AlertBook;
  private readonly transitions: DecidedAlertEvent[] = [];
  private readonly notifications: DecidedAlertEvent[] = [];
  private readonly ids = new Set<string>();

  constructor(
    readonly p: AlertsProjection,
    readonly twins: AlertTwinLookup,
    readonly now: string,
    readonly s: AlertingSettings,
    /** Who acts (a principal), or null when Twinlog does. */
    readonly actor: string | null,
    /** When the engine will record the events (its clock); `now` is when they happen. */
    readonly recordedAt: string = now,
  ) {
    this.book = p.book.fork();
  }

  /** Decides an event: applied to the draft now, returned to the engine at the end. */
  emit(
    event: AlertEvent,
    id: string,
    twinId: string,
    causationId: string | null,
    kind: 'transition' | 'notification' = 'transition',
  ): void {
    if (this.ids.has(id) || this.p.has(id)) return;
    this.ids.add(id);
    const decided = {
      ...event,
      id,
      twinId,
      occurredAt: this.now,
      causationId,
    } as DecidedAlertEvent;
    this.book.apply(event, {
      id,
      occurredAt: this.now,
      recordedAt: this.recordedAt,
      revision: 0,
      actor: this.actor,
    });
    (kind === 'transition' ? this.transitions : this.notifications).push(decided);
  }

  events(): DecidedAlertEvent[] {
    return [...this.transitions, ...this.notifications];
  }
}
