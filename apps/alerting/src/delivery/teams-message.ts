import type { NotificationPayload } from '@twinlog/domain';
import { membersText, wordsOf } from './notification-words';

/** Microsoft Teams' incoming-webhook format: a message with one Adaptive Card. */
export function teamsMessage(payload: NotificationPayload): unknown {
  const w = wordsOf(payload);
  const body: unknown[] = [
    { type: 'TextBlock', text: md(w.headline), weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'FactSet', facts: w.facts.map((f) => ({ title: md(f.name), value: md(f.value) })) },
  ];
  if (w.note !== null) body.push({ type: 'TextBlock', text: md(`Note: ${w.note}`), wrap: true });
  if (w.members.length > 1 || w.moreMembers > 0)
    body.push({ type: 'TextBlock', text: md(membersText(w.members, w.moreMembers)), wrap: true });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
        },
      },
    ],
  };
}

/**
 * Card texts are markdown: a note such as `[click](https://evil)` must show as typed, not as a
 * link or bold, so the characters that format inside a line are backslash-escaped (CommonMark).
 */
export function md(text: string): string {
  return text.replace(/[\\`*_[\]<>~]/g, (c) => `\\${c}`);
}
