import type { NotificationPayload } from '@twinlog/domain';
import { clip, membersText, wordsOf } from './notification-words';

/**
 * Slack's incoming-webhook format: `text` (the notification line, Slack's mrkdwn, escaped) and
 * blocks whose texts are plain_text, so nothing a user typed can format, link or @mention.
 */
export function slackMessage(payload: NotificationPayload): { text: string; blocks: unknown[] } {
  const w = wordsOf(payload);
  const details = [
    ...w.facts.map((f) => `${f.name}: ${f.value}`),
    ...(w.note === null ? [] : [`Note: ${w.note}`]),
  ].join('\n');
  const blocks: unknown[] = [
    { type: 'header', text: plain(clip(w.headline, 150)) },
    { type: 'section', text: plain(clip(details, 3000)) },
  ];
  if (w.members.length > 1 || w.moreMembers > 0)
    blocks.push({
      type: 'section',
      text: plain(clip(membersText(w.members, w.moreMembers), 3000)),
    });
  blocks.push({ type: 'context', elements: [plain(`delivery ${w.deliveryId}`)] });
  return { text: escapeMrkdwn(w.headline), blocks };
}

function plain(text: string) {
  return { type: 'plain_text', text, emoji: false };
}

/** Slack's three control characters (https://api.slack.com/reference/surfaces/formatting). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
