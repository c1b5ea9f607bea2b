import { actorOf } from '../events/actor-of';
import { isAlertEvent, type EventEnvelope } from '../events/twin-events';
import type { AlertCauseKind, AlertEvent, NotificationPayload } from './alert-events';
import type { AlertView, ChannelView, DeliveryView, RuleView, SilenceView } from './alert-views';
import { AlertBook, type AlertState, type AppliedMeta } from './alert-book';
import { DeliveryBook, dueAt, type DeliveryRecord } from './delivery-book';

type ChannelRecord = ChannelView & { sealedTarget: string; deleted: boolean };

const ms = (iso: string): number => Date.parse(iso);

/** A pending delivery's place in the due order: due time, then queued time, then id. */
interface DueKey {
  due: number;
  queued: number;
  id: string;
}
const earlier = (a: DueKey, b: DueKey): boolean =>
  a.due !== b.due ? a.due < b.due : a.queued !== b.queued ? a.queued < b.queued : a.id < b.id;

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
  private readonly deliveryBook = new DeliveryBook();
  private readonly deliveryMap = this.deliveryBook.records;
  private readonly pending = this.deliveryBook.pending;
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
        recordedAt: event.recordedAt,
        revision: event.revision,
        actor: actorOf(event.producer),
      };
      this.book.apply(event, meta);
      this.applyConfig(event, meta);
      this.deliveryBook.apply(event, meta, event.twinId);
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
      .sort(
        (a, b) =>
          ms(b.openedAt) - ms(a.openedAt) ||
          (a.alertId < b.alertId ? 1 : a.alertId > b.alertId ? -1 : 0),
      );
  }

  /** How many alerts are not resolved, without listing them. */
  unresolvedCount(): number {
    return this.book.unresolvedCount();
  }

  /** How many deliveries wait to go out (or to be tried again). */
  pendingCount(): number {
    return this.pending.size;
  }

  /** The unresolved alert a new cause of this group and kind would join. */
  openAlertOf(groupKey: string, kind: AlertCauseKind): AlertView | undefined {
    return this.book.openAlertOf(groupKey, kind)?.view;
  }

  /** The alert a cause last belonged to (its `resolved.at` drives the flapping hold-back). */
  lastAlertOfCause(causeKey: string): AlertView | undefined {
    return this.book.lastAlertOfCause(causeKey)?.view;
  }

  /** Unresolved alerts whose member-joined notice waits for the end of the group-update hold. */
  groupUpdateHolds(): Array<{ alertId: string; until: string; eventId: string }> {
    return this.book
      .unresolved()
      .flatMap((state) =>
        state.heldJoin ? [{ alertId: state.view.alertId, ...state.heldJoin }] : [],
      );
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
    return [...this.ruleMap.values()].sort((a, b) =>
      a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0,
    );
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

  /** An alert's deliveries, in the order they were queued. */
  deliveriesOf(alertId: string): DeliveryView[] {
    return this.deliveryBook.ofAlert(alertId);
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

  /**
   * Pending deliveries due at `now` (notBefore and nextAttemptAt passed), oldest first: at most
   * `limit` of them (the worker's free slots), leaving out those `skip` says it holds. After an
   * outage thousands are due: each is looked at once with its times as numbers (parsed once per
   * change of the delivery), and only the first `limit` are kept in order, so a call never sorts
   * them all nor parses dates in a comparator.
   */
  dueDeliveries(
    now: string,
    limit = Infinity,
    skip?: (deliveryId: string) => boolean,
  ): Array<{ view: DeliveryView; payload: NotificationPayload; groupKey: string }> {
    if (!(limit > 0)) return [];
    const at = ms(now);
    const first: Array<{ key: DueKey; record: DeliveryRecord }> = [];
    for (const id of this.pending) {
      const record = this.deliveryMap.get(id);
      if (!record || skip?.(id)) continue;
      const key = this.dueKeyOf(record.view);
      if (key.due > at) continue;
      if (!Number.isFinite(limit)) {
        first.push({ key, record });
        continue;
      }
      if (first.length >= limit && !earlier(key, first[first.length - 1]!.key)) continue;
      let i = first.length;
      while (i > 0 && earlier(key, first[i - 1]!.key)) i -= 1;
      first.splice(i, 0, { key, record });
      if (first.length > limit) first.pop();
    }
    if (!Number.isFinite(limit)) first.sort((a, b) => (earlier(a.key, b.key) ? -1 : 1));
    return first.map(({ record: { view, payload, groupKey } }) => ({ view, payload, groupKey }));
  }

  /** A delivery's times as numbers, kept per view object (a change makes a new view). */
  private readonly dueKeys = new WeakMap<DeliveryView, DueKey>();
  private dueKeyOf(view: DeliveryView): DueKey {
    let key = this.dueKeys.get(view);
    if (key === undefined) {
      key = { due: dueAt(view), queued: ms(view.queuedAt), id: view.deliveryId };
      this.dueKeys.set(view, key);
    }
    return key;
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
        this.ruleMap.set(event.data.ruleId, {
          ...event.data,
          updatedAt: meta.occurredAt,
          updatedBy: meta.actor,
        });
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
          this.silenceMap.set(silence.silenceId, {
            ...silence,
            liftedAt: meta.occurredAt,
            liftedBy: meta.actor,
          });
        }
        return;
      }
      default:
        return;
    }
  }
}

function publicChannel(record: ChannelRecord): ChannelView {
  const { sealedTarget: _sealed, deleted: _deleted, ...view } = record;
  return view;
}
