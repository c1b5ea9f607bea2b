import type { Severity } from '../events/twin-events';
import type {
  AlertChannelKind,
  AlertMember,
  AlertRule,
  AlertStatus,
  AlertTransition,
  SuppressionReason,
} from './alert-events';

/**
 * What the alerting projection answers with (the API serves these shapes). Folded from the
 * alerts stream alone, so a replay rebuilds them exactly (docs/adr/0019).
 */
export interface AlertView {
  alertId: string;
  status: AlertStatus;
  severity: Severity;
  title: string;
  groupKey: string;
  /** The twin the alert is about: its one member, or the group's system once grouped. */
  subject: string;
  site: string | null;
  openedAt: string;
  acknowledged: { at: string; by: string | null; note: string | null } | null;
  assignee: { to: string; at: string; by: string | null; note: string | null } | null;
  resolved: {
    at: string;
    by: string | null;
    reason: 'cause-cleared' | 'by-hand';
    note: string | null;
  } | null;
  /** Escalation steps fired so far (0: none). */
  escalations: number;
  /** Times its cause came back within the flapping hold-back and reopened it. */
  reopenCount: number;
  members: AlertMember[];
  /**
   * Transitions, oldest first, with who did it (null: Twinlog did): the opening and the latest
   * HISTORY_KEPT - 1 (a flapping alert's older ones are counted in historyOmitted).
   */
  history: Array<{
    transition: AlertTransition;
    at: string;
    actor: string | null;
    note: string | null;
    eventId: string;
  }>;
  /** Older history entries not kept in this view (see HISTORY_KEPT; the log has them all). */
  historyOmitted?: number;
  /** Notifications held back, with why (silence, maintenance window, quiet hours, flapping). */
  suppressed: Array<{
    transition: AlertTransition;
    at: string;
    reason: SuppressionReason;
    channelId: string | null;
    silenceId: string | null;
  }>;
  /** Older suppressions not kept in this view. */
  suppressedOmitted?: number;
  /** Its log position on the alerts stream (revision): for optimistic checks and ETags. */
  revision: number;
  /**
   * The latest AI explanation of an anomaly it holds (AnomalyExplained on twin-events, docs/ai.md):
   * words for the person acting on it, never part of its decisions; absent when none.
   */
  explanation?: AlertExplanation;
}

/** An AnomalyExplained as an alert shows it. */
export interface AlertExplanation {
  episodeId: string;
  twinId: string;
  /** The AnomalyExplained event. */
  eventId: string;
  explainedAt: string;
  summary: string;
  likelyCauses: Array<{ cause: string; why: string }>;
  checkFirst: string[];
  model: string;
}

/**
 * `superseded`: held by quiet hours and made moot because the alert resolved before it could go
 * out (recorded as `resolved-while-held`); it is never sent.
 */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead', 'superseded'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryView {
  deliveryId: string;
  alertId: string;
  channelId: string;
  ruleId: string;
  transition: AlertTransition;
  status: DeliveryStatus;
  queuedAt: string;
  /** Not before this time (quiet hours), then at `nextAttemptAt` after a failure. */
  notBefore: string;
  nextAttemptAt: string | null;
  attempts: number;
  lastError: string | null;
  lastStatus: number | null;
  deliveredAt: string | null;
  deadAt: string | null;
}

export interface ChannelView {
  channelId: string;
  name: string;
  kind: AlertChannelKind;
  /** The URL's scheme and host, or the addresses' domains: never the secret or a full URL. */
  display: string;
  createdAt: string;
  createdBy: string | null;
}

export interface RuleView extends AlertRule {
  updatedAt: string;
  updatedBy: string | null;
}

export interface SilenceView {
  silenceId: string;
  kind: 'silence' | 'maintenance-window';
  twinId: string | null;
  site: string | null;
  from: string;
  to: string;
  reason: string;
  createdAt: string;
  createdBy: string | null;
  liftedAt: string | null;
  liftedBy: string | null;
}

/**
 * An alert as lists show it (`GET /v1/alerts`): without its history and held-back notifications,
 * which grow with every flap (`GET /v1/alerts/{id}` has them), but with how many there are and the
 * last transition.
 */
export type AlertSummary = Omit<AlertView, 'history' | 'suppressed'> & {
  historyCount: number;
  suppressedCount: number;
  lastTransition: AlertView['history'][number] | null;
};
