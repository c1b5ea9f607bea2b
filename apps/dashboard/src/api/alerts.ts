import type { DeliveryView } from '@twinlog/domain';
import type { ApiClient } from './client';
import type { AlertView } from './types';

/** The alerting routes the alerts inbox calls (docs/services/alerting.md). */
export function alertsPage(
  api: ApiClient,
  query: { status: readonly string[]; cursor?: string; limit?: number },
  signal?: AbortSignal,
) {
  return api.get<{ alerts: AlertView[]; next: string | null }>(
    '/v1/alerts',
    { status: query.status, cursor: query.cursor, limit: query.limit ?? 50 },
    signal,
  );
}

export function alertDeliveries(api: ApiClient, alertId: string, signal?: AbortSignal) {
  return api.get<{ deliveries: DeliveryView[]; next: string | null }>(
    '/v1/alert-deliveries',
    { alertId, limit: 50 },
    signal,
  );
}

const path = (alertId: string, action: string) =>
  `/v1/alerts/${encodeURIComponent(alertId)}/${action}`;

export const acknowledgeAlert = (api: ApiClient, alertId: string, note: string) =>
  api.post<AlertView>(path(alertId, 'acknowledge'), note ? { note } : {});

export const assignAlert = (api: ApiClient, alertId: string, assignee: string, note: string) =>
  api.post<AlertView>(path(alertId, 'assign'), note ? { assignee, note } : { assignee });

export const resolveAlert = (api: ApiClient, alertId: string, note: string) =>
  api.post<AlertView>(path(alertId, 'resolve'), note ? { note } : {});
