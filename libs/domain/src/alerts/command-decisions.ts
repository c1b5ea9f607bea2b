import { TwinlogError } from '../errors';
import { ALERTING_CONFIG_KEY } from './alert-events';
import type { AlertsProjection } from './alerts-projection';
import type { AlertState } from './alert-book';
import type { AlertCommand, AlertTwinLookup, AlertingSettings, DecidedAlertEvent } from './alert-decision-types';
import { alertEventIdOf } from './alert-ids';
import { assertRuleValid, assertSilenceValid } from './config-validation';
import { DecisionDraft } from './decision-draft';
import { planNotifications } from './notification-planning';

function unresolvedAlert(draft: DecisionDraft, alertId: string): AlertState {
  const alert = draft.book.alerts.get(alertId);
  if (!alert) throw new TwinlogError('ALERT_NOT_FOUND', `No alert '${alertId}'`, { alertId });
  if (alert.view.status === 'resolved') {
    throw new TwinlogError('ALERT_RESOLVED', `Alert '${alertId}' is resolved already`, { alertId });
  }
  return alert;
}

/**
 * A person's command (docs/adr/0019 §5): the alert's life (acknowledge, assign, resolve and the
 * notifications they plan), configuration (channels, rules, silences) and redelivery. Ids come
 * from `commandId`, so a retried command decides the same events and the log keeps one copy.
 */
export function decideCommand(
  p: AlertsProjection,
  twins: AlertTwinLookup,
  command: AlertCommand,
  commandId: string,
  actor: string | null,
  now: string,
  s: AlertingSettings,
): DecidedAlertEvent[] {
  const draft = new DecisionDraft(p, twins, now, s, actor);
  const id = (step: string): string => alertEventIdOf('command', commandId, step);
  const config = (event: Parameters<DecisionDraft['emit']>[0]): void =>
    draft.emit(event, id(event.type), ALERTING_CONFIG_KEY, null);

  switch (command.kind) {
    case 'acknowledge': {
      const alert = unresolvedAlert(draft, command.alertId);
      if (alert.view.acknowledged !== null) {
        throw new TwinlogError('ALERT_ALREADY_ACKNOWLEDGED', `Alert '${command.alertId}' is acknowledged already`, {
          alertId: command.alertId,
          acknowledgedBy: alert.view.acknowledged.by,
        });
      }
      lifeStep(draft, alert, id('acknowledged'), 'acknowledged', command.note, {
        type: 'AlertAcknowledged',
        data: { alertId: command.alertId, note: command.note },
      });
      break;
    }
    case 'assign': {
      const alert = unresolvedAlert(draft, command.alertId);
      lifeStep(draft, alert, id('assigned'), 'assigned', command.note, {
        type: 'AlertAssigned',
        data: { alertId: command.alertId, assignee: command.assignee, note: command.note },
      });
      break;
    }
    case 'resolve': {
      const alert = unresolvedAlert(draft, command.alertId);
      lifeStep(draft, alert, id('resolved'), 'resolved', command.note, {
        type: 'AlertResolved',
        data: { alertId: command.alertId, reason: 'by-hand', note: command.note },
      });
      break;
    }
    case 'create-channel':
      config({
        type: 'AlertChannelCreated',
        data: {
          channelId: command.channelId,
          name: command.name,
          kind: command.channelKind,
          sealedTarget: command.sealedTarget,
          display: command.display,
        },
      });
      break;
    case 'delete-channel': {
      const channel = p.channel(command.channelId);
      if (!channel || channel.deleted) {
        throw new TwinlogError('CHANNEL_NOT_FOUND', `No channel '${command.channelId}'`, { channelId: command.channelId });
      }
      const naming = p
        .rules()
        .filter((rule) => [...rule.channels, ...rule.escalation.flatMap((step) => step.channels)].includes(command.channelId))
        .map((rule) => rule.ruleId);
      if (naming.length > 0) {
        throw new TwinlogError(
          'CHANNEL_IN_USE',
          `Channel '${command.channelId}' is named by rule(s) ${naming.join(', ')}: change or delete them first`,
          { channelId: command.channelId, ruleIds: naming },
        );
      }
      config({ type: 'AlertChannelDeleted', data: { channelId: command.channelId } });
      break;
    }
    case 'set-rule':
      assertRuleValid(p, command.rule);
      config({ type: 'AlertRuleSet', data: structuredClone(command.rule) });
      break;
    case 'delete-rule':
      if (!p.rule(command.ruleId)) {
        throw new TwinlogError('RULE_NOT_FOUND', `No alert rule '${command.ruleId}'`, { ruleId: command.ruleId });
      }
      config({ type: 'AlertRuleDeleted', data: { ruleId: command.ruleId } });
      break;
    case 'set-silence':
      assertSilenceValid(command.silence, now);
      config({ type: 'SilenceSet', data: { ...command.silence } });
      break;
    case 'lift-silence': {
      const silence = p.silence(command.silenceId);
      if (!silence) {
        throw new TwinlogError('SILENCE_NOT_FOUND', `No silence '${command.silenceId}'`, { silenceId: command.silenceId });
      }
      if (silence.liftedAt === null) config({ type: 'SilenceLifted', data: { silenceId: command.silenceId } });
      break;
    }
    case 'redeliver': {
      const delivery = p.delivery(command.deliveryId);
      if (!delivery) {
        throw new TwinlogError('DELIVERY_NOT_FOUND', `No delivery '${command.deliveryId}'`, {
          deliveryId: command.deliveryId,
        });
      }
      if (delivery.status !== 'dead') {
        throw new TwinlogError('DELIVERY_NOT_DEAD', `Delivery '${command.deliveryId}' is ${delivery.status}, not dead`, {
          deliveryId: command.deliveryId,
          status: delivery.status,
        });
      }
      draft.emit(
        { type: 'AlertDeliveryRequeued', data: { deliveryId: delivery.deliveryId, alertId: delivery.alertId } },
        id('requeued'),
        p.deliveryGroupKey(delivery.deliveryId) ?? ALERTING_CONFIG_KEY,
        null,
      );
      break;
    }
    default: {
      const unknown: never = command;
      throw new TwinlogError('COMMAND_INVALID', `Unknown alert command ${JSON.stringify(unknown)}`);
    }
  }
  return draft.events();
}

function lifeStep(
  draft: DecisionDraft,
  alert: AlertState,
  eventId: string,
  transition: 'acknowledged' | 'assigned' | 'resolved',
  note: string | null,
  event: Parameters<DecisionDraft['emit']>[0],
): void {
  draft.emit(event, eventId, alert.view.groupKey, null);
  planNotifications(draft, { alertId: alert.view.alertId, transition, transitionEventId: eventId, note });
}
