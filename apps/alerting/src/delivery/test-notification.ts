import { randomUUID } from 'node:crypto';
import type { NotificationPayload } from '@twinlog/domain';

/**
 * What `POST /v1/alert-channels/{id}/test` sends: a notification about no real alert, with a
 * delivery id of its own (`test-...`, never recorded), so a receiver can be checked end to end.
 */
export function testNotificationPayload(
  channelId: string,
  now: Date,
  actor: string | null,
): NotificationPayload {
  const at = now.toISOString();
  return {
    deliveryId: `test-${randomUUID()}`,
    alertId: `test-${channelId}`,
    transition: 'opened',
    at,
    actor,
    note: 'A test notification from Twinlog: this channel works.',
    alert: {
      status: 'open',
      severity: 'info',
      title: `Test notification for channel ${channelId}`,
      groupKey: 'twinlog-test',
      subject: 'twinlog-test',
      site: null,
      openedAt: at,
      assignee: null,
      reopenCount: 0,
      members: [],
    },
  };
}
