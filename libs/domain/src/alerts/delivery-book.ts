import type { AlertEvent, NotificationPayload } from './alert-events';
import type { DeliveryView } from './alert-views';
import type { AppliedMeta } from './alert-book';
import { deliveryIdOf } from './alert-ids';

export interface DeliveryRecord {
  view: DeliveryView;
  payload: NotificationPayload;
  groupKey: string;
  transitionEventId: string;
  /** Where its retry window starts: queued (or the end of its hold), or requeued by hand. */
  retryFrom: string;
}

const ms = (iso: string): number => Date.parse(iso);

/** When a pending delivery may next be tried: after its hold and after its backoff. */
export function dueAt(view: DeliveryView): number {
  return Math.max(
    ms(view.notBefore),
    view.nextAttemptAt === null ? -Infinity : ms(view.nextAttemptAt),
  );
}

/** Deliveries folded from the alerts stream, with the pending ones and each alert's apart. */
export class DeliveryBook {
  readonly records = new Map<string, DeliveryRecord>();
  readonly pending = new Set<string>();
  private readonly byAlert = new Map<string, string[]>();

  ofAlert(alertId: string): DeliveryView[] {
    return (this.byAlert.get(alertId) ?? []).flatMap((id) => this.records.get(id)?.view ?? []);
  }

  apply(event: AlertEvent, meta: AppliedMeta, groupKey: string): void {
    switch (event.type) {
      case 'AlertNotificationQueued': {
        const d = event.data;
        if (this.records.has(d.deliveryId)) return;
        this.records.set(d.deliveryId, {
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
        // Appended in place (the book is never forked): no copy per delivery of a busy alert.
        const ofAlert = this.byAlert.get(d.alertId);
        if (ofAlert) ofAlert.push(d.deliveryId);
        else this.byAlert.set(d.alertId, [d.deliveryId]);
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
        if (this.records.has(event.data.deliveryId)) this.pending.add(event.data.deliveryId);
        return this.changeDelivery(event.data.deliveryId, (r) => ({
          ...r,
          retryFrom: meta.occurredAt,
          view: { ...r.view, status: 'pending', nextAttemptAt: meta.occurredAt, deadAt: null },
        }));
      case 'AlertNotificationSuppressed': {
        if (event.data.reason !== 'resolved-while-held' || event.data.channelId === null) return;
        const id = deliveryIdOf(event.data.transitionEventId, event.data.channelId);
        const record = this.records.get(id);
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
    const record = this.records.get(id);
    if (record) this.records.set(id, change(record));
  }
}
