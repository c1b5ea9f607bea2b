import type { NotificationPayload } from '@twinlog/domain';
import { clip, membersText, wordsOf } from './notification-words';

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

/** An alert email: a one-line subject, a plain text body, and the same as escaped HTML. */
export function emailMessage(payload: NotificationPayload): EmailMessage {
  const w = wordsOf(payload);
  const subject = clip(`[Twinlog] ${w.headline}`, 200);
  const lines = [
    w.headline,
    '',
    ...w.facts.map((f) => `${f.name}: ${f.value}`),
    ...(w.note === null ? [] : [`Note: ${w.note}`]),
  ];
  const members =
    w.members.length > 1 || w.moreMembers > 0 ? membersText(w.members, w.moreMembers) : null;
  const footer = `Delivery ${w.deliveryId}: the same on every retry of this notification.`;
  const text = [...lines, ...(members ? ['', members] : []), '', footer, ''].join('\n');
  const rows = w.facts
    .map(
      (f) => `<tr><th align="left">${escapeHtml(f.name)}</th><td>${escapeHtml(f.value)}</td></tr>`,
    )
    .join('');
  const html = [
    `<h2>${escapeHtml(w.headline)}</h2>`,
    `<table>${rows}</table>`,
    w.note === null ? '' : `<p>Note: ${escapeHtml(w.note)}</p>`,
    members === null
      ? ''
      : `<p>Twins:</p><ul>${w.members.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul>` +
        (w.moreMembers > 0 ? `<p>and ${w.moreMembers} more</p>` : ''),
    `<p><small>${escapeHtml(footer)}</small></p>`,
  ].join('\n');
  return { subject, text, html };
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
