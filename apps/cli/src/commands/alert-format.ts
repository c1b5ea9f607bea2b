import type {
  AlertSummary,
  AlertView,
  ChannelView,
  DeliveryView,
  RuleView,
  SilenceView,
} from '@twinlog/domain';
import type { StreamMessage } from './stream';
import { table } from './api-client';

/** What `twinlog alerts ...` prints: tables for lists, a page for one alert, a line per change. */

/** `2026-12-06T10:00:00.000Z` as `2026-12-06 10:00:00` (UTC, as the API gives it). */
export function when(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '-';
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

export function alertsTable(alerts: Array<AlertSummary | AlertView>): string[] {
  return table([
    ['ID', 'STATUS', 'SEVERITY', 'TITLE', 'OPENED', 'ASSIGNEE'],
    ...alerts.map((a) => [
      a.alertId,
      a.status,
      a.severity,
      cut(a.title, 60),
      when(a.openedAt),
      a.assignee?.to ?? '-',
    ]),
  ]);
}

/** One alert whole: who did what, its members, what was held back and where it was sent. */
export function describeAlert(a: AlertView, deliveries: DeliveryView[]): string[] {
  const lines = [
    `${a.alertId}  ${a.status.toUpperCase()}  ${a.severity}  ${a.title}`,
    `  subject ${a.subject}${a.site ? ` at ${a.site}` : ''}, opened ${when(a.openedAt)}${a.reopenCount > 0 ? `, reopened ${a.reopenCount}x` : ''}${a.escalations > 0 ? `, escalated ${a.escalations}x` : ''}`,
  ];
  if (a.assignee) lines.push(`  assigned to ${a.assignee.to}`);
  lines.push('members:');
  for (const m of a.members)
    lines.push(
      `  ${m.twinId}  ${m.cause.kind} (${m.cause.severity}) since ${when(m.since)}${m.clearedAt ? `, cleared ${when(m.clearedAt)}` : ''}`,
    );
  lines.push('history:');
  // A flapping alert keeps its opening and latest transitions; the audit trail has them all.
  const { historyOmitted = 0, suppressedOmitted = 0 } = a as AlertView & {
    historyOmitted?: number;
    suppressedOmitted?: number;
  };
  const [opening, ...later] = a.history;
  if (historyOmitted > 0 && opening) {
    lines.push(historyLine(opening));
    lines.push(
      `  ... ${historyOmitted} more transition${historyOmitted === 1 ? '' : 's'} (GET /v1/twins/${a.groupKey}/events has them)`,
    );
  }
  for (const h of historyOmitted > 0 ? later : a.history) lines.push(historyLine(h));
  if (a.suppressed.length > 0 || suppressedOmitted > 0) {
    lines.push('held back:');
    if (suppressedOmitted > 0) lines.push(`  ... ${suppressedOmitted} earlier`);
    for (const s of a.suppressed)
      lines.push(
        `  ${when(s.at)}  ${s.transition} to ${s.channelId ?? 'every channel'}: ${s.reason}${s.silenceId ? ` (${s.silenceId})` : ''}`,
      );
  }
  lines.push('deliveries:');
  if (deliveries.length === 0) lines.push('  none');
  for (const d of deliveries)
    lines.push(
      `  ${d.deliveryId}  ${d.transition} to ${d.channelId}: ${d.status}, ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}${d.lastError ? ` (last: ${cut(d.lastError, 80)})` : ''}`,
    );
  return lines;
}

function historyLine(h: AlertView['history'][number]): string {
  return `  ${when(h.at)}  ${h.transition.padEnd(13)} by ${h.actor ?? 'Twinlog'}${h.note ? `: ${h.note}` : ''}`;
}

export function channelsTable(channels: ChannelView[]): string[] {
  return table([
    ['ID', 'KIND', 'NAME', 'SENDS TO', 'CREATED', 'BY'],
    ...channels.map((c) => [
      c.channelId,
      c.kind,
      cut(c.name, 40),
      c.display,
      when(c.createdAt),
      c.createdBy ?? '-',
    ]),
  ]);
}

export function rulesTable(rules: RuleView[]): string[] {
  return table([
    ['ID', 'NAME', 'MATCHES', 'CHANNELS', 'QUIET', 'ESCALATION', 'ON'],
    ...rules.map((r) => [
      r.ruleId,
      cut(r.name, 30),
      describeMatch(r),
      r.channels.join(','),
      r.quietHours
        ? `${r.quietHours.from}-${r.quietHours.to}@${r.quietHours.timeZone}:${r.quietHours.allowSeverity}`
        : '-',
      r.escalation.map((s) => `${s.afterMinutes}m:${s.channels.join('+')}`).join(',') || '-',
      r.enabled ? 'yes' : 'no',
    ]),
  ]);
}

function describeMatch(r: RuleView): string {
  const m = r.match;
  const parts = [
    `${m.minSeverity}+`,
    m.causes.length > 0 ? m.causes.join('|') : '',
    m.twinTypes.length > 0 ? `type ${m.twinTypes.join('|')}` : '',
    m.sites.length > 0 ? `site ${m.sites.join('|')}` : '',
    m.subtree ? `under ${m.subtree}` : '',
    m.properties.length > 0 ? `on ${m.properties.join('|')}` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

export function silencesTable(silences: SilenceView[]): string[] {
  return table([
    ['ID', 'KIND', 'WHAT', 'FROM', 'TO', 'LIFTED', 'REASON'],
    ...silences.map((s) => [
      s.silenceId,
      s.kind,
      s.twinId ?? `site ${s.site ?? '?'}`,
      when(s.from),
      when(s.to),
      when(s.liftedAt),
      cut(s.reason, 50),
    ]),
  ]);
}

export function deliveriesTable(deliveries: DeliveryView[]): string[] {
  return table([
    ['ID', 'STATUS', 'ALERT', 'CHANNEL', 'TRANSITION', 'ATTEMPTS', 'QUEUED', 'LAST ERROR'],
    ...deliveries.map((d) => [
      d.deliveryId,
      d.status,
      d.alertId,
      d.channelId,
      d.transition,
      String(d.attempts),
      when(d.queuedAt),
      d.lastError ? cut(d.lastError, 50) : '-',
    ]),
  ]);
}

/** A change of an alert from the live stream (alert-opened, alert-changed), in one line. */
export function describeAlertChange({ type, data: m }: StreamMessage): string {
  const d = m.data;
  const alertId = String(d['alertId'] ?? '?');
  const what = (() => {
    switch (m.event) {
      case 'AlertOpened':
        return `OPENED ${String(d['severity'])}: ${String(d['title'])}`;
      case 'AlertMemberJoined':
        return `${String((d['member'] as { twinId?: string } | undefined)?.twinId ?? '?')} joined`;
      case 'AlertAcknowledged':
        return `acknowledged${d['note'] ? `: ${String(d['note'])}` : ''}`;
      case 'AlertAssigned':
        return `assigned to ${String(d['assignee'])}${d['note'] ? `: ${String(d['note'])}` : ''}`;
      case 'AlertEscalated':
        return `ESCALATED (step ${String(d['step'])})`;
      case 'AlertReopened':
        return `reopened (${String(d['reopenCount'])}x)`;
      case 'AlertResolved':
        return `resolved (${String(d['reason'])})${d['note'] ? `: ${String(d['note'])}` : ''}`;
      default:
        return `${type}: ${m.event}`;
    }
  })();
  return `${when(m.occurredAt)}  ${alertId.padEnd(16)} ${m.twinId.padEnd(16)} ${what}`;
}
