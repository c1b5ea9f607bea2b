import type { AlertView } from '../../api/types';

/**
 * The alerts inbox's pure logic: the status filter in the URL, which actions an alert allows
 * (the service's lifecycle, docs/services/alerting.md), and folding a changed alert from the
 * stream into the list shown.
 */
export const ALERT_STATUSES = ['open', 'acknowledged', 'assigned', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const UNRESOLVED: readonly AlertStatus[] = ['open', 'acknowledged', 'assigned'];

/** The statuses a URL's `status` asks for (a comma list); unknown words dropped; none: unresolved. */
export function statusFilterOf(text: string | undefined): AlertStatus[] {
  const asked = new Set((text ?? '').split(',').map((s) => s.trim()));
  const known = ALERT_STATUSES.filter((s) => asked.has(s));
  return known.length > 0 ? known : [...UNRESOLVED];
}

/** The URL's value for a filter (undefined for the default, so the plain URL stays plain). */
export function statusFilterText(statuses: readonly AlertStatus[]): string | undefined {
  const sorted = ALERT_STATUSES.filter((s) => statuses.includes(s));
  const isDefault =
    sorted.length === UNRESOLVED.length && UNRESOLVED.every((s) => sorted.includes(s));
  return isDefault || sorted.length === 0 ? undefined : sorted.join(',');
}

export type AlertAction = 'acknowledge' | 'assign' | 'resolve';

/** Acknowledge an open alert; assign or resolve any unresolved one; nothing on a resolved one. */
export function actionsFor(alert: Pick<AlertView, 'status'>): AlertAction[] {
  switch (alert.status) {
    case 'open':
      return ['acknowledge', 'assign', 'resolve'];
    case 'acknowledged':
    case 'assigned':
      return ['assign', 'resolve'];
    default:
      return [];
  }
}

/** Newest first (by opening), then by id, as the API lists them. */
export function byNewest(a: AlertView, b: AlertView): number {
  if (a.openedAt !== b.openedAt) return a.openedAt < b.openedAt ? 1 : -1;
  return a.alertId < b.alertId ? 1 : a.alertId > b.alertId ? -1 : 0;
}

/**
 * The list after an alert changed (from the stream, or an action's answer): replaced in place,
 * added when it now matches the filter, dropped when it no longer does. An older revision than
 * the one shown (a late answer) changes nothing.
 */
export function mergeAlert(
  list: readonly AlertView[],
  alert: AlertView,
  statuses: readonly AlertStatus[],
): AlertView[] {
  const at = list.findIndex((a) => a.alertId === alert.alertId);
  if (at >= 0 && list[at]!.revision > alert.revision) return [...list];
  const rest = list.filter((a) => a.alertId !== alert.alertId);
  if (!statuses.includes(alert.status as AlertStatus)) return rest;
  return [...rest, alert].sort(byNewest);
}

/** One line of who did what, for the detail's history. */
export function historyLine(entry: AlertView['history'][number]): string {
  const who = entry.actor ?? 'Twinlog';
  const note = entry.note ? `: “${entry.note}”` : '';
  return `${entry.transition} by ${who}${note}`;
}

/**
 * The AI explanation, when the API gives one (issue 22 adds it): its text, else undefined and
 * the page shows nothing at all in its place.
 */
export function explanationOf(alert: object): string | undefined {
  const value = (alert as { explanation?: unknown }).explanation;
  if (typeof value === 'string') return value.trim() || undefined;
  if (value && typeof value === 'object') {
    const text =
      (value as { text?: unknown; summary?: unknown }).text ??
      (value as { summary?: unknown }).summary;
    if (typeof text === 'string' && text.trim()) return text.trim();
  }
  return undefined;
}
