import type { NotificationPayload } from '@twinlog/domain';

/** A webhook's body: the payload as stored when it was queued, so every retry signs the same bytes. */
export function webhookBody(payload: NotificationPayload): string {
  return JSON.stringify(payload);
}
