import type { AlertCause, NotificationPayload } from '@twinlog/domain';

/**
 * The plain words every channel says about one notification: what happened, where, how bad,
 * since when, who acted, which twins, which alert. Renderers only lay them out (and escape
 * them for their format). Every text is clipped, so a hostile title or a thousand members
 * cannot make a message a chat service refuses.
 */
export const MEMBERS_LISTED = 10;

export interface NotificationWords {
  /** "[ALARM] Opened: Spindle temperature high on cnc-7" */
  headline: string;
  severity: string;
  /** What happened to the alert: "Acknowledged by alice". */
  happened: string;
  title: string;
  facts: Array<{ name: string; value: string }>;
  /** One line per listed member, at most MEMBERS_LISTED. */
  members: string[];
  /** Members not listed ("and 12 more"), 0 when all are. */
  moreMembers: number;
  note: string | null;
  alertId: string;
  deliveryId: string;
}

export function wordsOf(p: NotificationPayload): NotificationWords {
  const severity = clip(p.alert.severity, 20).toUpperCase();
  const title = clip(p.alert.title, 200);
  const happened = happenedOf(p);
  const members = p.alert.members.slice(0, MEMBERS_LISTED).map(memberLine);
  const where = [
    `twin ${clip(p.alert.subject, 120)}`,
    p.alert.site === null ? null : `site ${clip(p.alert.site, 80)}`,
    p.alert.groupKey === p.alert.subject ? null : `under ${clip(p.alert.groupKey, 120)}`,
  ].filter((x): x is string => x !== null);
  const facts = [
    { name: 'What', value: title },
    { name: 'Where', value: where.join(', ') },
    { name: 'Severity', value: severity },
    { name: 'Status', value: clip(p.alert.status, 20) },
    { name: 'Since', value: clip(p.alert.openedAt, 40) },
    { name: 'By', value: p.actor === null ? 'Twinlog' : clip(p.actor, 120) },
    { name: 'Alert', value: clip(p.alertId, 120) },
  ];
  if (p.alert.assignee !== null)
    facts.splice(6, 0, { name: 'Assigned to', value: clip(p.alert.assignee, 120) });
  return {
    headline: `[${severity}] ${happened}: ${title}`,
    severity,
    happened,
    title,
    facts,
    members,
    moreMembers: Math.max(0, p.alert.members.length - members.length),
    note: p.note === null ? null : clip(p.note, 500),
    alertId: clip(p.alertId, 120),
    deliveryId: clip(p.deliveryId, 120),
  };
}

/** "Twins:" then one per line, then "and 12 more" when the list was capped. */
export function membersText(lines: string[], more: number): string {
  return ['Twins:', ...lines.map((l) => `• ${l}`), ...(more > 0 ? [`and ${more} more`] : [])].join(
    '\n',
  );
}

function happenedOf(p: NotificationPayload): string {
  const by = p.actor === null ? null : clip(p.actor, 120);
  switch (p.transition) {
    case 'opened':
      return 'Opened';
    case 'member-joined':
      return `${p.alert.members.length} twins affected`;
    case 'acknowledged':
      return by ? `Acknowledged by ${by}` : 'Acknowledged';
    case 'assigned':
      return `Assigned to ${clip(p.alert.assignee ?? 'someone', 120)}${by ? ` by ${by}` : ''}`;
    case 'escalated':
      return 'Escalated: nobody has acknowledged it';
    case 'severity-raised':
      return `Raised to ${p.alert.severity}`;
    case 'reopened':
      return `Reopened (${p.alert.reopenCount} times so far)`;
    case 'resolved':
      return by ? `Resolved by ${by}` : 'Resolved: its cause cleared';
  }
}

function memberLine(m: NotificationPayload['alert']['members'][number]): string {
  const cleared = m.clearedAt === null ? '' : `, cleared ${clip(m.clearedAt, 40)}`;
  return `${clip(m.twinId, 120)}: ${causeWords(m.cause)} since ${clip(m.since, 40)}${cleared}`;
}

export function causeWords(cause: AlertCause): string {
  switch (cause.kind) {
    case 'anomaly':
      return clip(`${cause.detector} anomaly on ${cause.properties.join(', ')}`, 200);
    case 'maintenance':
      return cause.measure === 'rul-p10'
        ? `remaining life (P10) ${num(cause.value)} h, under ${num(cause.threshold)} h`
        : `health index ${num(cause.value)}, under ${num(cause.threshold)}`;
    case 'silence':
      return cause.lastReadingAt === null
        ? `no reading for ${num(cause.silentForSeconds)} s`
        : `no reading since ${clip(cause.lastReadingAt, 40)}`;
    default:
      return 'unknown cause';
  }
}

function num(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  // Rounding to tenths multiplies by 10 first: 1e308 would become Infinity.
  return Math.abs(value) < 1e9 ? String(Math.round(value * 10) / 10) : value.toPrecision(3);
}

/** One line of at most `max` characters, control characters (newlines included) made spaces. */
export function clip(text: unknown, max: number): string {
  // eslint-disable-next-line no-control-regex
  const line = String(text).replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
