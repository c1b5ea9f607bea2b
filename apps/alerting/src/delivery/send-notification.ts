import type { NotificationPayload } from '@twinlog/domain';
import type { ChannelTarget } from './channel-target';
import { retryableFailure, type DeliveryOutcome } from './delivery-outcome';
import { emailMessage } from './email-message';
import type { Mailer } from './email-sender';
import { postNotification } from './http-sender';
import { slackMessage } from './slack-message';
import { teamsMessage } from './teams-message';
import { DELIVERY_HEADER, SIGNATURE_HEADER, twinlogSignature } from './twinlog-signature';
import { webhookBody } from './webhook-body';

export const USER_AGENT = 'Twinlog-Alerting/1';

export interface SendOptions {
  /** ALERTING_DELIVERY_TIMEOUT_MS: one attempt, connect to answer. */
  timeoutMs: number;
  /** The pooled SMTP transport; undefined when ALERTING_SMTP_URL is not set. */
  mailer?: Mailer;
  /** Aborts the attempt (the service stopping). */
  signal?: AbortSignal;
  /** The attempt's time: the signature's t and Retry-After dates are read against it. */
  now?: () => Date;
}

/** One attempt to deliver `payload` to a channel's target, classified for retry or death. */
export async function sendNotification(
  target: ChannelTarget,
  payload: NotificationPayload,
  options: SendOptions,
): Promise<DeliveryOutcome> {
  const now = options.now ?? (() => new Date());
  const attempt = { timeoutMs: options.timeoutMs, signal: options.signal, now };
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': USER_AGENT,
    [DELIVERY_HEADER]: payload.deliveryId,
  };
  switch (target.kind) {
    case 'webhook': {
      const body = webhookBody(payload);
      headers[SIGNATURE_HEADER] = twinlogSignature(body, target.secret, now().getTime() / 1000);
      return postNotification(target.url, body, headers, attempt);
    }
    case 'slack':
      return postNotification(target.url, JSON.stringify(slackMessage(payload)), headers, attempt);
    case 'teams':
      return postNotification(target.url, JSON.stringify(teamsMessage(payload)), headers, attempt);
    case 'email':
      // Retried, not dead: once ALERTING_SMTP_URL is set (and the service restarted) it goes out.
      if (!options.mailer)
        return retryableFailure('email is not set up: ALERTING_SMTP_URL is not set');
      return options.mailer.send(
        target.to,
        emailMessage(payload),
        payload.deliveryId,
        options.signal,
      );
  }
}
