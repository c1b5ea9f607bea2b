import type {
  AlertChannelKind,
  AlertMatch,
  AlertStatus,
  AlertView,
  ChannelView,
  DeliveryStatus,
  DeliveryView,
  EscalationStep,
  QuietHours,
  RuleView,
  Severity,
  SilenceView,
} from '@twinlog/domain';

/**
 * What the HTTP API (and through it the CLI) asks of the alerting engine: the one seam between
 * the controllers and the projection plus its commands. The engine implements it
 * (`AlertingEngine`); the controllers get it by the {@link ALERTING_API} token. Commands append
 * events and resolve once the projection shows them (read-your-writes); refusals throw a
 * `TwinlogError` with a stable code (ALERT_NOT_FOUND, ALERT_RESOLVED, CHANNEL_NOT_FOUND,
 * RULE_NOT_FOUND, SILENCE_NOT_FOUND, DELIVERY_NOT_FOUND, DELIVERY_NOT_DEAD, ...).
 *
 * `actor` is the caller's principal id (`anonymous` with TWINLOG_AUTH=off): it becomes the producer
 * `alerting/<actor>`. `visible` is the caller's site filter (undefined: every site).
 */
export const ALERTING_API = Symbol('AlertingApi');

export type SiteFilter = ((site: string | null) => boolean) | undefined;

export interface AlertQuery {
  status?: AlertStatus[];
  minSeverity?: Severity;
  /** Alerts whose subject or a member is this twin. */
  twinId?: string;
  site?: string;
}

export interface NewChannel {
  kind: AlertChannelKind;
  name: string;
  /** webhook, slack, teams: the URL to POST to. */
  url?: string;
  /** webhook: the signing secret (X-Twinlog-Signature). */
  secret?: string;
  /** email: the recipients. */
  to?: string[];
}

export interface NewRule {
  /** Absent: a new id is made; present: that rule is replaced (set). */
  ruleId?: string;
  name: string;
  match: Partial<AlertMatch>;
  channels: string[];
  quietHours?: QuietHours | null;
  escalation?: EscalationStep[];
  enabled?: boolean;
}

export interface NewSilence {
  kind: 'silence' | 'maintenance-window';
  twinId?: string;
  site?: string;
  from: string;
  to: string;
  reason: string;
}

export interface AlertingApi {
  /** Alerts newest first (by openedAt, then id), filtered; the caller pages them. */
  alerts(query: AlertQuery, visible: SiteFilter): AlertView[];
  alert(alertId: string, visible: SiteFilter): AlertView;
  acknowledge(
    alertId: string,
    note: string | null,
    actor: string | null,
    visible: SiteFilter,
  ): Promise<AlertView>;
  assign(
    alertId: string,
    assignee: string,
    note: string | null,
    actor: string | null,
    visible: SiteFilter,
  ): Promise<AlertView>;
  resolve(
    alertId: string,
    note: string | null,
    actor: string | null,
    visible: SiteFilter,
  ): Promise<AlertView>;

  channels(): ChannelView[];
  channel(channelId: string): ChannelView;
  createChannel(input: NewChannel, actor: string | null): Promise<ChannelView>;
  deleteChannel(channelId: string, actor: string | null): Promise<void>;
  /** Sends a test notification to the channel now and says how it went (not recorded as a delivery). */
  testChannel(
    channelId: string,
  ): Promise<{ ok: boolean; status: number | null; error: string | null }>;

  rules(): RuleView[];
  rule(ruleId: string): RuleView;
  setRule(input: NewRule, actor: string | null): Promise<RuleView>;
  deleteRule(ruleId: string, actor: string | null): Promise<void>;

  /** `visible`: the caller's sites (a site's silence by its site, a twin's by the twin's). */
  silences(active: boolean | undefined, visible?: SiteFilter): SilenceView[];
  setSilence(input: NewSilence, actor: string | null, visible: SiteFilter): Promise<SilenceView>;
  liftSilence(silenceId: string, actor: string | null, visible: SiteFilter): Promise<SilenceView>;

  deliveries(
    query: { status?: DeliveryStatus; alertId?: string; channelId?: string },
    visible: SiteFilter,
  ): DeliveryView[];
  delivery(deliveryId: string, visible: SiteFilter): DeliveryView;
  /** A dead delivery is queued again under the same delivery id. */
  redeliver(deliveryId: string, actor: string | null, visible: SiteFilter): Promise<DeliveryView>;
}
