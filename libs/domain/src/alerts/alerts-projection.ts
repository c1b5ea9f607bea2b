import { actorOf } from '../events/actor-of';
import { isAlertEvent, type EventEnvelope } from '../events/twin-events';
import type { AlertEvent, NotificationPayload } from './alert-events';
import type { AlertView, ChannelView, DeliveryView, RuleView, SilenceView } from './alert-views';
import { AlertBook, type AlertState, type AppliedMeta } from './alert-book';
import { deliveryIdOf } from './alert-ids';

type ChannelRecord = ChannelView & { sealedTarget: string; deleted: boolean };

interface DeliveryRecord {
  view: DeliveryView;
  payload: NotificationPayload;
  groupKey: string;
  transitionEventId: string;
  /** Where its retry window starts: queued (or the end of its hold), or requeued by hand. */
  retryFrom: string;
}

const ms = (iso: string): number => Date.parse(iso);

/** When a pending delivery may next be tried: after its hold and after its backoff. */
function dueAt(view: DeliveryView): number {
  return Math.max(ms(view.notBefore), view.nextAttemptAt === null ? -Infinity : ms(view.nextAttemptAt));
}

/**
 * The alerts stream folded (docs/adr/0019): alerts, channels, rules, silences and deliveries.
 * Applying is idempotent by event id, so the engine's own appends and the follow feed's copies of
 * them fold once. Everything is kept in Maps: ids are data, never object keys.
 */
export class AlertsProjection {
  private readonly seen = new Set<string>();
  /** Inputs (twin events) some alert event was decided on: a redelivered input decides nothing. */
  private readonly causes = new Set<string>();
  /** The alerts' life (decisions fork it to see what they just decided). */
  readonly book = new AlertBook();
  private readonly channelMap = new Map<string, ChannelRecord>();
  private readonly ruleMap = new Map<string, RuleView>();
  private readonly silenceMap = new Map<string, SilenceView>();
  private readonly deliveryMap = new Map<string, DeliveryRecord>();
  private readonly pending = new Set<string>();
  everSetRule = false;

  apply(events: readonly EventEnvelope[]): void {
    for (const event of events) {
      if (!isAlertEvent(event) || this.seen.has(event.id)) continue;
      this.seen.add(event.id);
      if (event.causationId !== null && !event.type.startsWith('AlertNotification')) {
        this.causes.add(event.causationId);
      }
      const meta: AppliedMeta = {
        id: event.id,
        occurredAt: event.occurredAt,
        revision: event.revision,
        actor: actorOf(event.producer),
      };
      this.book.apply(event, meta);
      this.applyConfig(event, meta);
      this.applyDelivery(event, meta, event.twinId);
    }
  }

  /** Whether an event is folded already (the engine skips deciding twice on one input). */
  has(eventId: string): boolean {
    return this.seen.has(eventId);
  }

  /** Whether alert events were decided on this input event already. */
  decidedOn(eventId: string): boolean {
    return this.causes.has(eventId);
  }

  alert(alertId: string): AlertView | undefined {
    return this.book.alerts.get(alertId)?.view;
  }

  /** Newest first (by openedAt, then id). */
  alerts(): AlertView[] {
    return [...this.book.alerts.values()]
      .map((state) => state.view)
      .sort((a, b) => ms(b.openedAt) - ms(a.openedAt) || (a.alertId < b.alertId ? 1 : a.alertId > b.alertId ? -1 : 0));
  }

  /** The alert with its notification bookkeeping (for decisions). */
  alertState(alertId: string): AlertState | undefined {
    return this.book.alerts.get(alertId);
  }

  channel(id: string): ChannelRecord | undefined {
    const record = this.channelMap.get(id);
    return record && { ...record };
  }

  channels(): ChannelView[] {
    return [...this.channelMap.values()].filter((c) => !c.deleted).map(publicChannel);
  }

  rule(id: string): RuleView | undefined {
    return this.ruleMap.get(id);
  }

  /** By rule id, so planning visits them in one order on every replay. */
  rules(): RuleView[] {
    return [...this.ruleMap.values()].sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  }

  silence(id: string): SilenceView | undefined {
    return this.silenceMap.get(id);
  }

  silences(): SilenceView[] {
    return [...this.silenceMap.values()];
  }

  delivery(id: string): DeliveryView | undefined {
    return this.deliveryMap.get(id)?.view;
  }

  deliveries(): DeliveryView[] {
    return [...this.deliveryMap.values()].map((d) => d.view);
  }

  /** The payload stored when the delivery was queued (sent unchanged on every attempt). */
  deliveryPayload(id: string): NotificationPayload | undefined {
    return this.deliveryMap.get(id)?.payload;
  }

  /** Where the delivery's retry window started (queued or end of hold; requeued by hand). */
  retryWindowStart(id: string): string | undefined {
    return this.deliveryMap.get(id)?.retryFrom;
  }

  /** The stream key (the alert's groupKey) its delivery events go under. */
  deliveryGroupKey(id: string): string | undefined {
    return this.deliveryMap.get(id)?.groupKey;
  }

  /** Pending deliveries not yet tried and still held back (quiet hours) at `now`, by id. */
  heldDeliveries(now: string): Array<{ view: DeliveryView; transitionEventId: string }> {
    const at = ms(now);
    const held: Array<{ view: DeliveryView; transitionEventId: string }> = [];
    for (const id of this.pending) {
      const record = this.deliveryMap.get(id);
      if (record && record.view.attempts === 0 && ms(record.view.notBefore) > at) {
        held.push({ view: record.view, transitionEventId: record.transitionEventId });
      }
    }
    return held.sort((a, b) => (a.view.deliveryId < b.view.deliveryId ? -1 : 1));
  }

  /** Pending deliveries due at `now` (notBefore and nextAttemptAt passed), oldest first. */
  dueDeliveries(now: string): Array<{ view: DeliveryView; payload: NotificationPayload; groupKey: string }> {
    const at = ms(now);
    const due: DeliveryRecord[] = [];
    for (const id of this.pending) {
      const record = this.deliveryMap.get(id);
      if (record && dueAt(record.view) <= at) due.push(record);
    }
    return due
      .sort(
        (a, b) =>
          dueAt(a.view) - dueAt(b.view) ||
          ms(a.view.queuedAt) - ms(b.view.queuedAt) ||
          (a.view.deliveryId < b.view.deliveryId ? -1 : 1),
      )
      .map(({ view, payload, groupKey }) => ({ view, payload, groupKey }));
  }

  /** When the next delivery falls due (for the ticker), or null. */
  nextDeliveryAt(): string | null {
    let next = Infinity;
    for (const id of this.pending) {
      const view = this.deliveryMap.get(id)?.view;
      if (view) next = Math.min(next, dueAt(view));
    }
    return Number.isFinite(next) ? new Date(next).toISOString() : null;
  }

  private applyConfig(event: AlertEvent, meta: AppliedMeta): void {
    switch (event.type) {
      case 'AlertChannelCreated':
        if (this.channelMap.has(event.data.channelId)) return;
        this.channelMap.set(event.data.channelId, {
          channelId: event.data.channelId,
          name: event.data.name,
          kind: event.data.kind,
          display: event.data.display,
          createdAt: meta.occurredAt,
          createdBy: meta.actor,
          sealedTarget: event.data.sealedTarget,
          deleted: false,
        });
        return;
      case 'AlertChannelDeleted': {
        const channel = this.channelMap.get(event.data.channelId);
        if (channel) this.channelMap.set(channel.channelId, { ...channel, deleted: true });
        return;
      }
      case 'AlertRuleSet':
        this.everSetRule = true;
        this.ruleMap.set(event.data.ruleId, { ...event.data, updatedAt: meta.occurredAt, updatedBy: meta.actor });
        return;
      case 'AlertRuleDeleted':
        this.ruleMap.delete(event.data.ruleId);
        return;
      case 'SilenceSet':
        this.silenceMap.set(event.data.silenceId, {
          ...event.data,
          createdAt: meta.occurredAt,
          createdBy: meta.actor,
          liftedAt: null,
          liftedBy: null,
        });
        return;
      case 'SilenceLifted': {
        const silence = this.silenceMap.get(event.data.silenceId);
        if (silence && silence.liftedAt === null) {
          this.silenceMap.set(silence.silenceId, { ...silence, liftedAt: meta.occurredAt, liftedBy: meta.actor });
        }
        return;
      }
      default:
        return;
    }
  }

  private applyDelivery(event: AlertEvent, meta: AppliedMeta, groupKey: string): void {
    switch (event.type) {
      case 'AlertNotificationQueued': {
        const d = event.data;
        if (this.deliveryMap.has(d.deliveryId)) return;
        this.deliveryMap.set(d.deliveryId, {
          view: {
            deliveryId: d.deliveryId,
            alertId: d.alertId,
            channelId: d.channelId,
            ruleId: d.ruleId,
            transition: d.payload.transition,
            status: 'pending',
            queuedAt: meta.occurredAt,
            notBefore: d.notBefore,
            nextAttemptAt: null,
            attempts: 0,
            lastError: null,
            lastStatus: null,
            deliveredAt: null,
            deadAt: null,
          },
          payload: d.payload,
          groupKey,
          transitionEventId: d.transitionEventId,
          retryFrom: ms(d.notBefore) > ms(meta.occurredAt) ? d.notBefore : meta.occurredAt,
        });
        this.pending.add(d.deliveryId);
        return;
      }
      case 'AlertDeliveryAttempted':
        return this.changeDelivery(event.data.deliveryId, (r) => ({
          ...r,
          view: {
            ...r.view,
            attempts: Math.max(r.view.attempts, event.data.attempt),
            lastError: event.data.error,
            lastStatus: event.data.status,
            nextAttemptAt: event.data.nextAttemptAt,
          },
        }));
      case 'AlertDelivered':
        this.pending.delete(event.data.deliveryId);
        return this.changeDelivery(event.data.deliveryId, (r) => ({
          ...r,
          view: {
            ...r.view,
            status: 'delivered',
            attempts: Math.max(r.view.attempts, event.data.attempt),
            lastStatus: event.data.status,
            nextAttemptAt: null,
            deliveredAt: meta.occurredAt,
          },
        }));
      case 'AlertDeliveryDead':
        this.pending.delete(event.data.deliveryId);
        return this.changeDelivery(event.data.deliveryId, (r) => ({
          ...r,
          view: {
            ...r.view,
            status: 'dead',
            attempts: Math.max(r.view.attempts, event.data.attempts),
            lastError: event.data.lastError,
            nextAttemptAt: null,
            deadAt: meta.occurredAt,
          },
        }));
      case 'AlertDeliveryRequeued':
        if (this.deliveryMap.has(event.data.deliveryId)) this.pending.add(event.data.deliveryId);
        return this.changeDelivery(event.data.deliveryId, (r) => ({
          ...r,
          retryFrom: meta.occurredAt,
          view: { ...r.view, status: 'pending', nextAttemptAt: meta.occurredAt, deadAt: null },
        }));
      case 'AlertNotificationSuppressed': {
        if (event.data.reason !== 'resolved-while-held' || event.data.channelId === null) return;
        const id = deliveryIdOf(event.data.transitionEventId, event.data.channelId);
        const record = this.deliveryMap.get(id);
        if (!record || record.view.status !== 'pending') return;
        this.pending.delete(id);
        return this.changeDelivery(id, (r) => ({
          ...r,
          view: { ...r.view, status: 'superseded', nextAttemptAt: null },
        }));
      }
      default:
        return;
    }
  }

  private changeDelivery(id: string, change: (record: DeliveryRecord) => DeliveryRecord): void {
    const record = this.deliveryMap.get(id);
    if (record) this.deliveryMap.set(id, change(record));
  }
}

function publicChannel(record: ChannelRecord): ChannelView {
  const { sealedTarget: _sealed, deleted: _deleted, ...view } = record;
  return view;
}
