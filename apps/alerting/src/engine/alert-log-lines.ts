import type { EventEnvelope } from '@twinlog/domain';

/**
 * What an operator reads in the service's log: one plain line per alert opened, reopened or
 * resolved and per delivery given up, never a channel's URL or secret (the payloads and sealed
 * targets stay out; only ids, titles and error texts from the senders, which name no URL).
 */
export function alertLogLines(
  events: readonly EventEnvelope[],
): Array<{ level: 'log' | 'warn'; line: string }> {
  return events.flatMap((event): Array<{ level: 'log' | 'warn'; line: string }> => {
    switch (event.type) {
      case 'AlertOpened':
        return [
          {
            level: 'log',
            line: `alert ${event.data.alertId} opened: ${event.data.title} (${event.data.severity}, ${event.data.member.cause.kind} on ${event.data.member.twinId})`,
          },
        ];
      case 'AlertReopened':
        return [
          {
            level: 'log',
            line: `alert ${event.data.alertId} reopened (${event.data.reopenCount} times; flapping, not notified)`,
          },
        ];
      case 'AlertResolved':
        return [
          {
            level: 'log',
            line: `alert ${event.data.alertId} resolved (${event.data.reason === 'by-hand' ? `by ${actorOf(event.producer)}` : 'its cause cleared'})`,
          },
        ];
      case 'AlertDeliveryDead':
        return [
          {
            level: 'warn',
            line: `delivery ${event.data.deliveryId} of alert ${event.data.alertId} is dead after ${event.data.attempts} attempts: ${event.data.lastError} (redeliver with POST /v1/alert-deliveries/${event.data.deliveryId}/redeliver)`,
          },
        ];
      default:
        return [];
    }
  });
}

function actorOf(producer: string): string {
  const slash = producer.indexOf('/');
  return slash < 0 ? 'hand' : producer.slice(slash + 1);
}
