import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  TwinlogError,
  type AlertCommand,
  type AlertExplanation,
  type AlertMatch,
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
import { AlertDecisions } from './alert-decisions';
import { matchingAlerts, matchingDeliveries, shows } from './alert-queries';
import { ChannelTargets } from './channel-targets';

const EVERYTHING: AlertMatch = {
  minSeverity: 'info',
  causes: [],
  twinTypes: [],
  sites: [],
  subtree: null,
  properties: [],
};

/**
 * The alerting API over the decisions: reads answer from the projection, filtered by the
 * caller's sites; commands are decided in the one queue and answer with what the projection
 * shows once their events are recorded (read-your-writes). Something the caller may not see is
 * not found, as in every other service.
 */
@Injectable()
export class AlertingEngine implements AlertingApi {
  /** Channels being made, by where they send (placeOf), until their event is recorded. */
  private readonly creating = new Map<string, string>();

  constructor(
    private readonly decisions: AlertDecisions,
    private readonly targets: ChannelTargets,
  ) {}

  private get projection() {
    return this.decisions.projection;
  }

  alerts(query: AlertQuery, visible: SiteFilter): AlertView[] {
    return matchingAlerts(this.projection.alerts(), query, visible).map(this.explained);
  }

  alert(alertId: string, visible: SiteFilter): AlertView {
    const alert = this.projection.alert(alertId);
    if (!alert || !shows(visible, alert.site))
      throw new TwinlogError('ALERT_NOT_FOUND', `No alert ${alertId}`, { alertId });
    return this.explained(alert);
  }

  /** The view with the latest explanation of its anomaly members' episodes (docs/ai.md), if any. */
  private readonly explained = (alert: AlertView): AlertView => {
    let latest: AlertExplanation | undefined;
    for (const { cause } of alert.members) {
      if (cause.kind !== 'anomaly') continue;
      const found = this.decisions.twins.explanationOf(cause.twinId, cause.episodeId);
      if (found && (!latest || found.explainedAt > latest.explainedAt)) latest = found;
    }
    return latest ? { ...alert, explanation: latest } : alert;
  };

  acknowledge(alertId: string, note: string | null, actor: string | null, visible: SiteFilter) {
    return this.onAlert(alertId, visible, { kind: 'acknowledge', alertId, note }, actor);
  }

  assign(
    alertId: string,
    assignee: string,
    note: string | null,
    actor: string | null,
    visible: SiteFilter,
  ) {
    return this.onAlert(alertId, visible, { kind: 'assign', alertId, assignee, note }, actor);
  }

  resolve(alertId: string, note: string | null, actor: string | null, visible: SiteFilter) {
    return this.onAlert(alertId, visible, { kind: 'resolve', alertId, note }, actor);
  }

  channels(): ChannelView[] {
    return this.projection.channels();
  }

  channel(channelId: string): ChannelView {
    const channel = this.projection.channel(channelId);
    if (!channel || channel.deleted)
      throw new TwinlogError('CHANNEL_NOT_FOUND', `No channel ${channelId}`, { channelId });
    const { sealedTarget: _sealed, deleted: _deleted, ...view } = channel;
    return view;
  }

  async createChannel(input: NewChannel, actor: string | null): Promise<ChannelView> {
    // Checked and sealed before the queue: a bad URL or a missing key refuses at once.
    const { channelKind, sealedTarget, display, sameAs } = this.targets.seal(input);
    // A retried create is refused (review 20 #15), also while the first is still being recorded.
    const existing = this.creating.get(sameAs) ?? this.targets.channelSendingTo(sameAs);
    if (existing !== undefined)
      throw new TwinlogError(
        'CHANNEL_EXISTS',
        `Channel ${existing} sends there already (same kind and target)`,
        { channelId: existing },
      );
    const channelId = `ch-${randomUUID()}`;
    this.creating.set(sameAs, channelId);
    try {
      await this.run(
        { kind: 'create-channel', channelId, name: input.name, channelKind, sealedTarget, display },
        actor,
      );
    } finally {
      this.creating.delete(sameAs);
    }
    return this.channel(channelId);
  }

  async deleteChannel(channelId: string, actor: string | null): Promise<void> {
    await this.run({ kind: 'delete-channel', channelId }, actor);
  }

  testChannel(channelId: string) {
    this.channel(channelId);
    return this.targets.test(channelId, null);
  }

  rules(): RuleView[] {
    return this.projection.rules();
  }

  rule(ruleId: string): RuleView {
    const rule = this.projection.rule(ruleId);
    if (!rule) throw new TwinlogError('RULE_NOT_FOUND', `No rule ${ruleId}`, { ruleId });
    return rule;
  }

  async setRule(input: NewRule, actor: string | null): Promise<RuleView> {
    const ruleId = input.ruleId ?? `rule-${randomUUID()}`;
    await this.run(
      {
        kind: 'set-rule',
        rule: {
          ruleId,
          name: input.name,
          match: { ...EVERYTHING, ...input.match },
          channels: input.channels,
          quietHours: input.quietHours ?? null,
          escalation: input.escalation ?? [],
          enabled: input.enabled ?? true,
        },
      },
      actor,
    );
    return this.rule(ruleId);
  }

  async deleteRule(ruleId: string, actor: string | null): Promise<void> {
    await this.run({ kind: 'delete-rule', ruleId }, actor);
  }

  silences(active: boolean | undefined, visible?: SiteFilter): SilenceView[] {
    const all = this.projection.silences().filter((s) => shows(visible, this.siteOfSilence(s)));
    if (active === undefined) return all;
    const now = this.decisions.clock();
    const isActive = (s: SilenceView) => s.liftedAt === null && s.from <= now && now < s.to;
    return all.filter((s) => isActive(s) === active);
  }

  async setSilence(
    input: NewSilence,
    actor: string | null,
    visible: SiteFilter,
  ): Promise<SilenceView> {
    // A caller scoped to some sites silences only what it can see: a twin of another site is
    // not found (as everywhere), another site is forbidden.
    if (input.twinId !== undefined) {
      const twin = this.decisions.twins.lookup(input.twinId);
      if (!twin || !shows(visible, twin.site))
        throw new TwinlogError('TWIN_NOT_FOUND', `No twin ${input.twinId}`, {
          twinId: input.twinId,
        });
    } else if (!shows(visible, input.site ?? null))
      throw new TwinlogError('SITE_FORBIDDEN', `The caller may not act on site ${input.site}`, {
        site: input.site ?? null,
      });
    const silenceId = `sil-${randomUUID()}`;
    await this.run(
      {
        kind: 'set-silence',
        silence: {
          silenceId,
          kind: input.kind,
          twinId: input.twinId ?? null,
          site: input.site ?? null,
          from: input.from,
          to: input.to,
          reason: input.reason,
        },
      },
      actor,
    );
    return this.silence(silenceId, undefined);
  }

  async liftSilence(
    silenceId: string,
    actor: string | null,
    visible: SiteFilter,
  ): Promise<SilenceView> {
    this.silence(silenceId, visible);
    await this.run({ kind: 'lift-silence', silenceId }, actor);
    return this.silence(silenceId, undefined);
  }

  deliveries(
    query: { status?: DeliveryView['status']; alertId?: string; channelId?: string },
    visible: SiteFilter,
  ): DeliveryView[] {
    return matchingDeliveries(this.projection.deliveries(), query, this.siteOfAlert, visible);
  }

  delivery(deliveryId: string, visible: SiteFilter): DeliveryView {
    const delivery = this.projection.delivery(deliveryId);
    if (!delivery || !shows(visible, this.siteOfAlert(delivery.alertId) ?? null))
      throw new TwinlogError('DELIVERY_NOT_FOUND', `No delivery ${deliveryId}`, { deliveryId });
    return delivery;
  }

  async redeliver(
    deliveryId: string,
    actor: string | null,
    visible: SiteFilter,
  ): Promise<DeliveryView> {
    this.delivery(deliveryId, visible);
    await this.run({ kind: 'redeliver', deliveryId }, actor);
    return this.delivery(deliveryId, undefined);
  }

  private readonly siteOfAlert = (alertId: string) => this.projection.alert(alertId)?.site;

  /** A site's silence is the site's; a twin's, the twin's site. */
  private siteOfSilence(silence: SilenceView): string | null {
    return (
      silence.site ??
      (silence.twinId ? this.decisions.twins.lookup(silence.twinId)?.site : null) ??
      null
    );
  }

  private silence(silenceId: string, visible: SiteFilter): SilenceView {
    const silence = this.projection.silence(silenceId);
    if (!silence || !shows(visible, this.siteOfSilence(silence)))
      throw new TwinlogError('SILENCE_NOT_FOUND', `No silence ${silenceId}`, { silenceId });
    return silence;
  }

  private async onAlert(
    alertId: string,
    visible: SiteFilter,
    command: AlertCommand,
    actor: string | null,
  ): Promise<AlertView> {
    this.alert(alertId, visible);
    await this.run(command, actor);
    return this.alert(alertId, undefined);
  }

  private async run(command: AlertCommand, actor: string | null): Promise<void> {
    await this.decisions.command(command, randomUUID(), actor);
  }
}
