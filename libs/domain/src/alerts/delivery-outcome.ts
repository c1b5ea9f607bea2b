import { TwinlogError } from '../errors';
import type { AlertsProjection } from './alerts-projection';
import type { AlertingSettings, DecidedAlertEvent, DeliveryOutcome } from './alert-decision-types';
import { alertEventIdOf } from './alert-ids';

/** The longest error text kept (the event schema's bound). */
const MAX_ERROR = 2_000;

/**
 * Backoff before the next attempt (s): base × 2^(attempt-1), capped, times full jitter in
 * [0.5, 1] from the caller's random number (docs/adr/0019 §7).
 */
export function backoffSeconds(attempt: number, s: AlertingSettings, jitter: number): number {
  const capped = Math.min(s.retryMaxSeconds, s.retryBaseSeconds * 2 ** Math.max(0, attempt - 1));
  const j = Number.isFinite(jitter) ? Math.min(Math.max(jitter, 0), 1) : 0.5;
  return capped * (0.5 + 0.5 * j);
}

/**
 * What one attempt's outcome records: delivered; dead (refused for good, or the retry window
 * ALERTING_RETRY_FOR_SECONDS is over); or another attempt later, never before a Retry-After
 * and never after the window ends. A delivery no longer pending decides nothing.
 */
export function decideDeliveryOutcome(
  p: AlertsProjection,
  deliveryId: string,
  outcome: DeliveryOutcome,
  now: string,
  s: AlertingSettings,
  jitter: number,
): DecidedAlertEvent[] {
  const delivery = p.delivery(deliveryId);
  if (!delivery) throw new TwinlogError('DELIVERY_NOT_FOUND', `No delivery '${deliveryId}'`, { deliveryId });
  if (delivery.status !== 'pending') return [];
  const attempt = delivery.attempts + 1;
  const base = { id: '', twinId: p.deliveryGroupKey(deliveryId)!, occurredAt: now, causationId: null };
  const { alertId } = delivery;
  if (outcome.ok) {
    return [
      {
        ...base,
        id: alertEventIdOf(deliveryId, 'delivered', attempt),
        type: 'AlertDelivered',
        data: { deliveryId, alertId, attempt, status: outcome.status },
      },
    ];
  }
  const error = outcome.error.slice(0, MAX_ERROR);
  const windowEnd = Date.parse(p.retryWindowStart(deliveryId) ?? delivery.queuedAt) + s.retryForSeconds * 1000;
  const at = Date.parse(now);
  if (outcome.permanent || at >= windowEnd) {
    return [
      {
        ...base,
        id: alertEventIdOf(deliveryId, 'dead', attempt),
        type: 'AlertDeliveryDead',
        data: { deliveryId, alertId, attempts: attempt, lastError: error },
      },
    ];
  }
  const retryAfter = outcome.retryAfterSeconds;
  let delay = backoffSeconds(attempt, s, jitter);
  if (retryAfter !== undefined && Number.isFinite(retryAfter) && retryAfter > 0) delay = Math.max(delay, retryAfter);
  const next = Math.min(at + delay * 1000, windowEnd);
  return [
    {
      ...base,
      id: alertEventIdOf(deliveryId, 'attempt', attempt),
      type: 'AlertDeliveryAttempted',
      data: { deliveryId, alertId, attempt, status: outcome.status, error, nextAttemptAt: new Date(next).toISOString() },
    },
  ];
}
