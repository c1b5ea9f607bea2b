import type { EventEnvelope } from '../events/twin-events';
import type { TwinLevel } from '../model/twin-model.schema';
import type { AlertChannelKind, AlertEvent, AlertRule } from './alert-events';

/** What the alerting core needs to know of a twin (the engine's twin directory answers it). */
export interface AlertTwinInfo {
  twinId: string;
  twinType: string;
  site: string | null;
  parentId: string | null;
  level: TwinLevel;
  retired: boolean;
}
export type AlertTwinLookup = (twinId: string) => AlertTwinInfo | undefined;

/** The ALERTING_* settings decisions use (docs/services/alerting.md). */
export interface AlertingSettings {
  groupUpdateSeconds: number;
  flapHoldSeconds: number;
  rulP10Hours: number;
  healthIndexBelow: number;
  silentAfterSeconds: number;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  retryForSeconds: number;
}

/** An event decided by the core; the engine stamps the envelope (recordedAt, producer, correlation). */
export type DecidedAlertEvent = AlertEvent & {
  id: string;
  twinId: string;
  occurredAt: string;
  causationId: string | null;
};

export interface NewSilenceCommand {
  silenceId: string;
  kind: 'silence' | 'maintenance-window';
  twinId: string | null;
  site: string | null;
  from: string;
  to: string;
  reason: string;
}

export type AlertCommand =
  | { kind: 'acknowledge'; alertId: string; note: string | null }
  | { kind: 'assign'; alertId: string; assignee: string; note: string | null }
  | { kind: 'resolve'; alertId: string; note: string | null }
  | {
      kind: 'create-channel';
      channelId: string;
      name: string;
      channelKind: AlertChannelKind;
      sealedTarget: string;
      display: string;
    }
  | { kind: 'delete-channel'; channelId: string }
  | { kind: 'set-rule'; rule: AlertRule }
  | { kind: 'delete-rule'; ruleId: string }
  | { kind: 'set-silence'; silence: NewSilenceCommand }
  | { kind: 'lift-silence'; silenceId: string }
  | { kind: 'redeliver'; deliveryId: string };

export type DeliveryOutcome =
  | { ok: true; status: number | null }
  | { ok: false; status: number | null; error: string; permanent: boolean; retryAfterSeconds?: number };

/** The input twin events the core decides on (others are ignored). */
export type AlertInputEvent = EventEnvelope;
