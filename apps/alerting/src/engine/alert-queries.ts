import {
  SEVERITIES,
  type AlertView,
  type DeliveryStatus,
  type DeliveryView,
  type Severity,
} from '@twinlog/domain';
import type { AlertQuery, SiteFilter } from '../alerting-api';

const rank = (severity: Severity) => SEVERITIES.indexOf(severity);

/** Whether the caller's site scope shows this site (no filter: every site). */
export const shows = (visible: SiteFilter, site: string | null): boolean =>
  visible === undefined || visible(site);

/** Alerts matching the query and the caller's sites, in the projection's order (newest first). */
export function matchingAlerts(
  alerts: readonly AlertView[],
  query: AlertQuery,
  visible: SiteFilter,
): AlertView[] {
  return alerts.filter(
    (alert) =>
      shows(visible, alert.site) &&
      (!query.status?.length || query.status.includes(alert.status)) &&
      (query.minSeverity === undefined || rank(alert.severity) >= rank(query.minSeverity)) &&
      (query.site === undefined || alert.site === query.site) &&
      (query.twinId === undefined ||
        alert.subject === query.twinId ||
        alert.members.some((m) => m.twinId === query.twinId)),
  );
}

/** Deliveries matching the filters, of alerts the caller may see. */
export function matchingDeliveries(
  deliveries: readonly DeliveryView[],
  query: { status?: DeliveryStatus; alertId?: string; channelId?: string },
  siteOfAlert: (alertId: string) => string | null | undefined,
  visible: SiteFilter,
): DeliveryView[] {
  return deliveries.filter(
    (d) =>
      (query.status === undefined || d.status === query.status) &&
      (query.alertId === undefined || d.alertId === query.alertId) &&
      (query.channelId === undefined || d.channelId === query.channelId) &&
      shows(visible, siteOfAlert(d.alertId) ?? null),
  );
}
