import {
  TwinlogError,
  type AlertView,
  type ChannelView,
  type DeliveryView,
  type RuleView,
  type SilenceView,
} from '@twinlog/domain';
import type {
  AlertingApi,
  AlertQuery,
  NewChannel,
  NewRule,
  NewSilence,
  SiteFilter,
} from '../alerting-api';

const SEVERITY_RANK = { info: 0, warning: 1, alarm: 2, critical: 3 } as const;
const NOW = '2026-12-06T12:00:00.000Z';

/**
 * A small in-memory AlertingApi for the controllers' tests: the engine's refusals (codes) and
 * site checks, without the engine. Maps, so an Object built-in name is an unknown id here too.
 * `calls` records what the controllers passed, for the tests to check.
 */
export class FakeAlertingApi implements AlertingApi {
  readonly alertsById = new Map<string, AlertView>();
  readonly channelsById = new Map<string, ChannelView & { secret?: string; url?: string }>();
  readonly rulesById = new Map<string, RuleView>();
  readonly silencesById = new Map<string, SilenceView>();
  readonly deliveriesById = new Map<string, DeliveryView>();
  readonly calls: Array<{ method: string; args: unknown[] }> = [];
  private made = 0;

  addAlert(alertId: string, fields: Partial<AlertView> = {}): AlertView {
    const alert: AlertView = {
      alertId,
      status: 'open',
      severity: 'warning',
      title: `Anomaly on ${alertId}`,
      groupKey: 'line-1',
      subject: 'pump-1',
      site: 'plant-a',
      openedAt: NOW,
      acknowledged: null,
      assignee: null,
      resolved: null,
      escalations: 0,
      reopenCount: 0,
      members: [],
      history: [
        { transition: 'opened', at: NOW, actor: null, note: null, eventId: `e-${alertId}` },
      ],
      suppressed: [],
      revision: 1,
      ...fields,
    };
    this.alertsById.set(alertId, alert);
    return alert;
  }

  addDelivery(deliveryId: string, fields: Partial<DeliveryView> = {}): DeliveryView {
    const delivery: DeliveryView = {
      deliveryId,
      alertId: 'a-1',
      channelId: 'ch-1',
      ruleId: 'default',
      transition: 'opened',
      status: 'dead',
      queuedAt: NOW,
      notBefore: NOW,
      nextAttemptAt: null,
      attempts: 3,
      lastError: 'HTTP 500',
      lastStatus: 500,
      deliveredAt: null,
      deadAt: NOW,
      ...fields,
    };
    this.deliveriesById.set(deliveryId, delivery);
    return delivery;
  }

  alerts(query: AlertQuery, visible: SiteFilter): AlertView[] {
    this.calls.push({ method: 'alerts', args: [query, visible] });
    return [...this.alertsById.values()].filter(
      (a) =>
        (!visible || visible(a.site)) &&
        (!query.status || query.status.includes(a.status)) &&
        (!query.minSeverity || SEVERITY_RANK[a.severity] >= SEVERITY_RANK[query.minSeverity]) &&
        (!query.site || a.site === query.site) &&
        (!query.twinId ||
          a.subject === query.twinId ||
          a.members.some((m) => m.twinId === query.twinId)),
    );
  }

  alert(alertId: string, visible: SiteFilter): AlertView {
    const alert = this.alertsById.get(alertId);
    if (!alert || (visible && !visible(alert.site)))
      throw new TwinlogError('ALERT_NOT_FOUND', `No alert ${alertId}`);
    return alert;
  }

  acknowledge(alertId: string, note: string | null, actor: string | null, visible: SiteFilter) {
    this.calls.push({ method: 'acknowledge', args: [alertId, note, actor] });
    const alert = this.unresolved(alertId, visible);
    if (alert.acknowledged)
      throw new TwinlogError('ALERT_ALREADY_ACKNOWLEDGED', `${alertId} is acknowledged already`);
    return this.change(alert, 'acknowledged', actor, note, {
      status: alert.status === 'assigned' ? 'assigned' : 'acknowledged',
      acknowledged: { at: NOW, by: actor, note },
    });
  }

  assign(
    alertId: string,
    assignee: string,
    note: string | null,
    actor: string | null,
    visible: SiteFilter,
  ) {
    this.calls.push({ method: 'assign', args: [alertId, assignee, note, actor] });
    const alert = this.unresolved(alertId, visible);
    return this.change(alert, 'assigned', actor, note, {
      status: 'assigned',
      assignee: { to: assignee, at: NOW, by: actor, note },
    });
  }

  resolve(alertId: string, note: string | null, actor: string | null, visible: SiteFilter) {
    this.calls.push({ method: 'resolve', args: [alertId, note, actor] });
    const alert = this.unresolved(alertId, visible);
    return this.change(alert, 'resolved', actor, note, {
      status: 'resolved',
      resolved: { at: NOW, by: actor, reason: 'by-hand', note },
    });
  }

  channels(): ChannelView[] {
    return [...this.channelsById.values()].map(({ secret: _s, url: _u, ...view }) => view);
  }

  channel(channelId: string): ChannelView {
    const channel = this.channelsById.get(channelId);
    if (!channel) throw new TwinlogError('CHANNEL_NOT_FOUND', `No channel ${channelId}`);
    const { secret: _s, url: _u, ...view } = channel;
    return view;
  }

  createChannel(input: NewChannel, actor: string | null): Promise<ChannelView> {
    this.calls.push({ method: 'createChannel', args: [input, actor] });
    const channelId = `ch-${++this.made}`;
    const display = input.url ? `${new URL(input.url).protocol}//${new URL(input.url).host}` : '';
    this.channelsById.set(channelId, {
      channelId,
      name: input.name,
      kind: input.kind,
      display,
      createdAt: NOW,
      createdBy: actor,
      ...(input.secret ? { secret: input.secret } : {}),
      ...(input.url ? { url: input.url } : {}),
    });
    return Promise.resolve(this.channel(channelId));
  }

  deleteChannel(channelId: string, actor: string | null): Promise<void> {
    this.calls.push({ method: 'deleteChannel', args: [channelId, actor] });
    this.channel(channelId);
    const naming = [...this.rulesById.values()].filter((r) => r.channels.includes(channelId));
    if (naming.length > 0)
      throw new TwinlogError('CHANNEL_IN_USE', `${channelId} is named by a rule`, {
        ruleIds: naming.map((r) => r.ruleId),
      });
    this.channelsById.delete(channelId);
    return Promise.resolve();
  }

  testChannel(channelId: string) {
    this.channel(channelId);
    return Promise.resolve({ ok: false, status: 500, error: 'HTTP 500 from the receiver' });
  }

  rules(): RuleView[] {
    return [...this.rulesById.values()];
  }

  rule(ruleId: string): RuleView {
    const rule = this.rulesById.get(ruleId);
    if (!rule) throw new TwinlogError('RULE_NOT_FOUND', `No rule ${ruleId}`);
    return rule;
  }

  setRule(input: NewRule, actor: string | null): Promise<RuleView> {
    this.calls.push({ method: 'setRule', args: [input, actor] });
    const unknown = input.channels.filter((id) => id !== '*' && !this.channelsById.has(id));
    if (unknown.length > 0)
      throw new TwinlogError('RULE_INVALID', 'The alert rule is invalid', {
        problems: unknown.map((id) => `channels: channel '${id}' does not exist`),
      });
    const rule: RuleView = {
      ruleId: input.ruleId ?? `rule-${++this.made}`,
      name: input.name,
      match: {
        minSeverity: input.match.minSeverity ?? 'info',
        causes: input.match.causes ?? [],
        twinTypes: input.match.twinTypes ?? [],
        sites: input.match.sites ?? [],
        subtree: input.match.subtree ?? null,
        properties: input.match.properties ?? [],
      },
      channels: input.channels,
      quietHours: input.quietHours ?? null,
      escalation: input.escalation ?? [],
      enabled: input.enabled ?? true,
      updatedAt: NOW,
      updatedBy: actor,
    };
    this.rulesById.set(rule.ruleId, rule);
    return Promise.resolve(rule);
  }

  deleteRule(ruleId: string, actor: string | null): Promise<void> {
    this.calls.push({ method: 'deleteRule', args: [ruleId, actor] });
    this.rule(ruleId);
    this.rulesById.delete(ruleId);
    return Promise.resolve();
  }

  silences(active: boolean | undefined, visible?: SiteFilter): SilenceView[] {
    this.calls.push({ method: 'silences', args: [active, visible] });
    return [...this.silencesById.values()].filter(
      (s) => active === undefined || (s.liftedAt === null) === active,
    );
  }

  setSilence(input: NewSilence, actor: string | null, visible: SiteFilter): Promise<SilenceView> {
    this.calls.push({ method: 'setSilence', args: [input, actor, visible] });
    const silence: SilenceView = {
      silenceId: `sil-${++this.made}`,
      kind: input.kind,
      twinId: input.twinId ?? null,
      site: input.site ?? null,
      from: input.from,
      to: input.to,
      reason: input.reason,
      createdAt: NOW,
      createdBy: actor,
      liftedAt: null,
      liftedBy: null,
    };
    this.silencesById.set(silence.silenceId, silence);
    return Promise.resolve(silence);
  }

  liftSilence(silenceId: string, actor: string | null, visible: SiteFilter) {
    this.calls.push({ method: 'liftSilence', args: [silenceId, actor] });
    const silence = this.silencesById.get(silenceId);
    if (!silence || (visible && silence.site !== null && !visible(silence.site)))
      throw new TwinlogError('SILENCE_NOT_FOUND', `No silence ${silenceId}`);
    const lifted = { ...silence, liftedAt: NOW, liftedBy: actor };
    this.silencesById.set(silenceId, lifted);
    return Promise.resolve(lifted);
  }

  deliveries(
    query: { status?: DeliveryView['status']; alertId?: string; channelId?: string },
    visible: SiteFilter,
  ): DeliveryView[] {
    this.calls.push({ method: 'deliveries', args: [query, visible] });
    return [...this.deliveriesById.values()].filter(
      (d) =>
        this.mayReach(d, visible) &&
        (!query.status || d.status === query.status) &&
        (!query.alertId || d.alertId === query.alertId) &&
        (!query.channelId || d.channelId === query.channelId),
    );
  }

  delivery(deliveryId: string, visible: SiteFilter): DeliveryView {
    const delivery = this.deliveriesById.get(deliveryId);
    if (!delivery || !this.mayReach(delivery, visible))
      throw new TwinlogError('DELIVERY_NOT_FOUND', `No delivery ${deliveryId}`);
    return delivery;
  }

  redeliver(deliveryId: string, actor: string | null, visible: SiteFilter) {
    this.calls.push({ method: 'redeliver', args: [deliveryId, actor] });
    const delivery = this.delivery(deliveryId, visible);
    if (delivery.status !== 'dead')
      throw new TwinlogError('DELIVERY_NOT_DEAD', `${deliveryId} is ${delivery.status}`);
    const requeued: DeliveryView = {
      ...delivery,
      status: 'pending',
      deadAt: null,
      nextAttemptAt: NOW,
    };
    this.deliveriesById.set(deliveryId, requeued);
    return Promise.resolve(requeued);
  }

  private mayReach(delivery: DeliveryView, visible: SiteFilter): boolean {
    const alert = this.alertsById.get(delivery.alertId);
    return !visible || (alert !== undefined && visible(alert.site));
  }

  private unresolved(alertId: string, visible: SiteFilter): AlertView {
    const alert = this.alert(alertId, visible);
    if (alert.status === 'resolved')
      throw new TwinlogError('ALERT_RESOLVED', `${alertId} is resolved already`);
    return alert;
  }

  private change(
    alert: AlertView,
    transition: AlertView['history'][number]['transition'],
    actor: string | null,
    note: string | null,
    fields: Partial<AlertView>,
  ): Promise<AlertView> {
    const changed: AlertView = {
      ...alert,
      ...fields,
      history: [
        ...alert.history,
        { transition, at: NOW, actor, note, eventId: `e-${++this.made}` },
      ],
      revision: alert.revision + 1,
    };
    this.alertsById.set(alert.alertId, changed);
    return Promise.resolve(changed);
  }
}
