import type { AnomalyEvidence, Severity } from '../events/twin-events';

/**
 * The alerting vocabulary (docs/adr/0019): events of the `alerts` stream. An alert is what a
 * person acts on; its life, the rules and channels that route it, the silences that hold it
 * back and every notification sent about it are events, so alerting rebuilds by replay and every
 * step is on record. Who did a step is the event's producer (`alerting/<principal>`), as for
 * every other event.
 *
 * Keys (the envelope's `twinId`, which the log partitions by): an alert's events are keyed by its
 * group (`groupKey`: the nearest `system` ancestor of the twin that caused it, else the twin), so
 * they show in that twin's audit trail and stay in order. Configuration (channels, rules,
 * silences) is keyed by {@link ALERTING_CONFIG_KEY}, which no twin id can be (TWIN_ID starts
 * with a letter or digit), so all configuration is totally ordered in one partition.
 */
export const ALERTING_CONFIG_KEY = '@alerting';

export const ALERT_CAUSE_KINDS = ['anomaly', 'maintenance', 'silence'] as const;
export type AlertCauseKind = (typeof ALERT_CAUSE_KINDS)[number];

/** Literal states: `?status=open` lists alerts nobody has acknowledged yet. */
export const ALERT_STATUSES = ['open', 'acknowledged', 'assigned', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** What made an alert: one episode, one prediction crossing a threshold, or one silence. */
export type AlertCause =
  | {
      kind: 'anomaly';
      twinId: string;
      /** The AnomalyDetected episode (its `episodeId`). */
      episodeId: string;
      detector: string;
      properties: string[];
      severity: Severity;
      evidence: AnomalyEvidence[];
    }
  | {
      kind: 'maintenance';
      twinId: string;
      /** Which threshold was crossed: remaining life (P10, hours) or the health index (0-100). */
      measure: 'rul-p10' | 'health-index';
      value: number;
      threshold: number;
      severity: Severity;
      /** The MaintenancePredicted event that crossed it. */
      predictionEventId: string;
    }
  | {
      kind: 'silence';
      twinId: string;
      /** Record time of the twin's last reading (null: none since alerting started watching). */
      lastReadingAt: string | null;
      silentForSeconds: number;
      severity: Severity;
    };

/** One twin's cause within an alert. A grouped alert lists several. */
export interface AlertMember {
  twinId: string;
  /**
   * The same for every recurrence of one cause (twin, kind, detector and properties; not the
   * episode), so a cause that clears and comes back within the flapping hold-back reopens its
   * alert instead of opening a new one.
   */
  causeKey: string;
  cause: AlertCause;
  since: string;
  /** Set when this member's cause cleared; the alert resolves when every member's has. */
  clearedAt: string | null;
}

export const ALERT_TRANSITIONS = [
  'opened',
  'member-joined',
  'acknowledged',
  'assigned',
  'escalated',
  /** A member's cause got worse (an anomaly episode's severity rose): docs/adr/0019 §4. */
  'severity-raised',
  'reopened',
  'resolved',
] as const;
export type AlertTransition = (typeof ALERT_TRANSITIONS)[number];

export const SUPPRESSION_REASONS = [
  'silence',
  'maintenance-window',
  'quiet-hours',
  'flapping',
  'resolved-while-held',
  /** A held member-joined notice found no rule to send it by when its hold ended. */
  'no-rule',
] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export const ALERT_CHANNEL_KINDS = ['webhook', 'slack', 'teams', 'email'] as const;
export type AlertChannelKind = (typeof ALERT_CHANNEL_KINDS)[number];

/** Hours of a day, in a time zone, when only `allowSeverity` and above are sent at once. */
export interface QuietHours {
  /** 'HH:MM' local time; `from` after `to` spans midnight. */
  from: string;
  to: string;
  /** IANA zone, e.g. Europe/Berlin. */
  timeZone: string;
  /** Severity that still goes out at once (default critical); the rest waits until `to`. */
  allowSeverity: Severity;
}

export interface EscalationStep {
  /** Minutes after the alert opened, unacknowledged, when this step fires. */
  afterMinutes: number;
  channels: string[];
}

/** Which causes a rule takes; an absent or empty field matches everything. */
export interface AlertMatch {
  minSeverity: Severity;
  causes: AlertCauseKind[];
  twinTypes: string[];
  sites: string[];
  /** A twin whose subtree (itself and its descendants) the cause must be in. */
  subtree: string | null;
  properties: string[];
}

export interface AlertRule {
  ruleId: string;
  name: string;
  match: AlertMatch;
  /** Channel ids, or ['*'] for every channel there is when a notification is planned. */
  channels: string[];
  quietHours: QuietHours | null;
  escalation: EscalationStep[];
  enabled: boolean;
}

/** The payload sent for one transition: built once when queued, identical on every retry. */
export interface NotificationPayload {
  deliveryId: string;
  alertId: string;
  transition: AlertTransition;
  at: string;
  /** Who did it: a principal, or null when Twinlog did (auto-open, auto-resolve, escalation). */
  actor: string | null;
  note: string | null;
  alert: {
    status: AlertStatus;
    severity: Severity;
    title: string;
    groupKey: string;
    /** The twin the alert is about: its one member's, or the group's system once grouped. */
    subject: string;
    site: string | null;
    openedAt: string;
    assignee: string | null;
    reopenCount: number;
    members: Array<{ twinId: string; cause: AlertCause; since: string; clearedAt: string | null }>;
  };
}

/** Every event of the `alerts` stream: a discriminated union on `type`, payload in `data`. */
export type AlertEvent =
  // --- an alert's life (keyed by groupKey) ---
  | {
      type: 'AlertOpened';
      data: {
        alertId: string;
        groupKey: string;
        severity: Severity;
        title: string;
        site: string | null;
        member: AlertMember;
      };
    }
  | {
      type: 'AlertMemberJoined';
      data: {
        alertId: string;
        member: AlertMember;
        /**
         * Set when this join falls within the group-update hold (ALERTING_GROUP_UPDATE_SECONDS):
         * its `member-joined` notification waits until then and goes out once for every join
         * held so far. Null or absent: notified at once.
         */
        heldUntil?: string | null;
        /**
         * A cause already in the alert came back within ALERTING_FLAP_HOLD_SECONDS of clearing:
         * the join is recorded, its notice suppressed (`flapping`), and the group's hold untouched.
         */
        flapping?: boolean;
      };
    }
  | {
      /**
       * A member's cause got worse (AnomalyEscalated): its severity and evidence, and the
       * alert's severity when that is higher. Never lower (the worst so far stands).
       */
      type: 'AlertSeverityRaised';
      data: { alertId: string; causeKey: string; severity: Severity; evidence: AnomalyEvidence[] };
    }
  | { type: 'AlertMemberCleared'; data: { alertId: string; causeKey: string; clearedAt: string } }
  | { type: 'AlertAcknowledged'; data: { alertId: string; note: string | null } }
  | { type: 'AlertAssigned'; data: { alertId: string; assignee: string; note: string | null } }
  | {
      type: 'AlertEscalated';
      /** `ruleId`: the rule whose step fired (steps are numbered per rule, from 1). */
      data: { alertId: string; step: number; channels: string[]; ruleId?: string };
    }
  | {
      type: 'AlertResolved';
      data: { alertId: string; reason: 'cause-cleared' | 'by-hand'; note: string | null };
    }
  | {
      type: 'AlertReopened';
      data: { alertId: string; member: AlertMember; reopenCount: number };
    }
  // --- its notifications (keyed by the alert's groupKey, in order with its transitions) ---
  | {
      type: 'AlertNotificationQueued';
      data: {
        deliveryId: string;
        alertId: string;
        /** The event (transition) this notifies about; with the channel, it fixes the delivery id. */
        transitionEventId: string;
        channelId: string;
        ruleId: string;
        /** Not sent before this time (quiet hours). */
        notBefore: string;
        payload: NotificationPayload;
      };
    }
  | {
      type: 'AlertNotificationSuppressed';
      data: {
        alertId: string;
        transitionEventId: string;
        transition: AlertTransition;
        channelId: string | null;
        ruleId: string | null;
        reason: SuppressionReason;
        silenceId: string | null;
      };
    }
  | {
      type: 'AlertDeliveryAttempted';
      data: {
        deliveryId: string;
        alertId: string;
        attempt: number;
        /** HTTP status or SMTP reply code when the receiver answered. */
        status: number | null;
        error: string;
        nextAttemptAt: string;
      };
    }
  | {
      type: 'AlertDelivered';
      data: { deliveryId: string; alertId: string; attempt: number; status: number | null };
    }
  | {
      type: 'AlertDeliveryDead';
      data: { deliveryId: string; alertId: string; attempts: number; lastError: string };
    }
  | { type: 'AlertDeliveryRequeued'; data: { deliveryId: string; alertId: string } }
  // --- configuration (keyed by ALERTING_CONFIG_KEY) ---
  | {
      type: 'AlertChannelCreated';
      data: {
        channelId: string;
        name: string;
        kind: AlertChannelKind;
        /**
         * Where it sends and with what secret (URL, signing secret, addresses), sealed with the
         * installation's alerting key (AES-256-GCM): the log never holds a webhook secret or a
         * Slack URL (which is itself a credential) in the clear.
         */
        sealedTarget: string;
        /** What may be shown: the URL's scheme and host, or the addresses' domains. */
        display: string;
      };
    }
  | { type: 'AlertChannelDeleted'; data: { channelId: string } }
  | { type: 'AlertRuleSet'; data: AlertRule }
  | { type: 'AlertRuleDeleted'; data: { ruleId: string } }
  | {
      type: 'SilenceSet';
      data: {
        silenceId: string;
        kind: 'silence' | 'maintenance-window';
        /** A twin and its subtree, or a whole site (exactly one of them). */
        twinId: string | null;
        site: string | null;
        from: string;
        to: string;
        reason: string;
      };
    }
  | { type: 'SilenceLifted'; data: { silenceId: string } };

export type AlertEventType = AlertEvent['type'];
