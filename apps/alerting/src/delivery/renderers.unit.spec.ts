import { emailMessage } from './email-message';
import { MEMBERS_LISTED, wordsOf } from './notification-words';
import { slackMessage } from './slack-message';
import { teamsMessage } from './teams-message';
import { memberFixture, payloadFixture } from './testing/payload-fixture';
import { webhookBody } from './webhook-body';

const hostile =
  '<script>alert(1)</script> & "x" \'y\' <!channel> [click](https://evil.example) **bold**';

describe('rendering a notification', () => {
  it('webhook: the payload as JSON, whole and unchanged', () => {
    const payload = payloadFixture({ note: hostile });
    expect(JSON.parse(webhookBody(payload))).toEqual(payload);
  });

  it('says what, where, how bad, since when, who acted and which alert, in every format', () => {
    const payload = payloadFixture({
      transition: 'acknowledged',
      actor: 'anna',
      note: 'on my way',
    });
    const slack = JSON.stringify(slackMessage(payload));
    const teams = JSON.stringify(teamsMessage(payload));
    const email = emailMessage(payload);
    for (const text of [slack, teams, email.text, email.html]) {
      for (const expected of [
        'ALARM',
        'Acknowledged by anna',
        'Temperature high on cnc-7',
        'cnc-7',
        'plant-a',
        '2026-12-06T10:00:00.000Z',
        'alr-1',
        'on my way',
      ])
        expect(text).toContain(expected);
    }
    expect(email.subject).toBe('[Twinlog] [ALARM] Acknowledged by anna: Temperature high on cnc-7');
  });

  it('speaks of each transition in plain words', () => {
    const said = (p: Parameters<typeof payloadFixture>[0]) => wordsOf(payloadFixture(p)).happened;
    expect(said({ transition: 'opened' })).toBe('Opened');
    expect(said({ transition: 'resolved' })).toBe('Resolved: its cause cleared');
    expect(said({ transition: 'resolved', actor: 'bob' })).toBe('Resolved by bob');
    expect(said({ transition: 'assigned', actor: 'bob', alert: { assignee: 'carl' } })).toBe(
      'Assigned to carl by bob',
    );
    expect(said({ transition: 'escalated' })).toBe('Escalated: nobody has acknowledged it');
    expect(said({ transition: 'reopened', alert: { reopenCount: 2 } })).toBe(
      'Reopened (2 times so far)',
    );
    expect(
      said({
        transition: 'member-joined',
        alert: { members: [memberFixture('a'), memberFixture('b')] },
      }),
    ).toBe('2 twins affected');
  });

  it('escapes hostile text for each format', () => {
    const payload = payloadFixture({
      note: hostile,
      actor: '<img src=x onerror=alert(1)>',
      alert: { title: hostile },
    });
    const email = emailMessage(payload);
    expect(email.html).not.toMatch(/<script|<img|<!channel/);
    expect(email.html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;',
    );
    expect(email.subject).not.toMatch(/[\r\n]/);

    const slack = slackMessage(payload);
    expect(slack.text).not.toMatch(/[<>]/);
    expect(slack.text).toContain('&lt;!channel&gt;');
    // Blocks carry user text as plain_text only: Slack formats nothing in them.
    const texts = JSON.stringify(slack.blocks).match(/"type":"(\w+)","text"/g) ?? [];
    expect(texts.length).toBeGreaterThan(0);
    expect(JSON.stringify(slack.blocks)).not.toContain('mrkdwn');

    const card = JSON.stringify(teamsMessage(payload));
    expect(card).not.toContain('[click](');
    expect(card).toContain('\\\\[click\\\\](https://evil.example)');
    expect(card).not.toContain('**bold**');
  });

  it('keeps Object built-in names as plain text', () => {
    const payload = payloadFixture({
      alertId: '__proto__',
      actor: 'constructor',
      alert: {
        subject: '__proto__',
        groupKey: 'constructor',
        members: [memberFixture('__proto__'), memberFixture('toString')],
      },
    });
    const email = emailMessage(payload);
    expect(email.text).toContain('Alert: __proto__');
    expect(email.text).toContain('twin __proto__, site plant-a, under constructor');
    expect(email.text).toContain('• toString: range anomaly on temperature');
    expect(JSON.parse(webhookBody(payload)).alertId).toBe('__proto__');
    expect(JSON.stringify(slackMessage(payload))).toContain('__proto__');
  });

  it('lists at most MEMBERS_LISTED members, then "and N more"', () => {
    const members = Array.from({ length: MEMBERS_LISTED + 12 }, (_, i) =>
      memberFixture(`pump-${i}`, i),
    );
    const payload = payloadFixture({ transition: 'member-joined', alert: { members } });
    const email = emailMessage(payload);
    expect(email.text).toContain(`pump-${MEMBERS_LISTED - 1}:`);
    expect(email.text).not.toContain(`pump-${MEMBERS_LISTED}:`);
    expect(email.text).toContain('and 12 more');
    expect(email.html).toContain('and 12 more');
    expect(JSON.stringify(slackMessage(payload))).toContain('and 12 more');
    expect(JSON.stringify(teamsMessage(payload))).toContain('and 12 more');
  });

  it('stays within chat services’ limits whatever the input size', () => {
    const huge = 'x'.repeat(100_000);
    const members = Array.from({ length: 5_000 }, (_, i) =>
      memberFixture(`${huge.slice(0, 500)}-${i}`, i),
    );
    const payload = payloadFixture({
      note: huge,
      actor: huge,
      alert: { title: huge, subject: huge, site: huge, members },
    });
    const slack = slackMessage(payload);
    const blocks = slack.blocks as Array<{ type: string; text?: { text: string } }>;
    expect(blocks.find((b) => b.type === 'header')!.text!.text.length).toBeLessThanOrEqual(150);
    for (const b of blocks) expect((b.text?.text ?? '').length).toBeLessThanOrEqual(3000);
    expect(JSON.stringify(slack).length).toBeLessThan(20_000);
    expect(JSON.stringify(teamsMessage(payload)).length).toBeLessThan(28_000);
    const email = emailMessage(payload);
    expect(email.subject.length).toBeLessThanOrEqual(200);
    expect(email.text.length).toBeLessThan(20_000);
  });

  it('reads numbers safely (NaN, 1e308) and says each cause in words', () => {
    const payload = payloadFixture({
      alert: {
        members: [
          {
            ...memberFixture('m1'),
            cause: {
              kind: 'maintenance',
              twinId: 'm1',
              measure: 'rul-p10',
              value: Number.NaN,
              threshold: 72,
              severity: 'alarm',
              predictionEventId: 'e',
            },
          },
          {
            ...memberFixture('m2'),
            cause: {
              kind: 'maintenance',
              twinId: 'm2',
              measure: 'health-index',
              value: 1e308,
              threshold: 30,
              severity: 'warning',
              predictionEventId: 'e',
            },
          },
          {
            ...memberFixture('m3'),
            cause: {
              kind: 'silence',
              twinId: 'm3',
              lastReadingAt: null,
              silentForSeconds: 301,
              severity: 'warning',
            },
          },
        ],
      },
    });
    const text = emailMessage(payload).text;
    expect(text).toContain('m1: remaining life (P10) n/a h, under 72 h');
    expect(text).toContain('m2: health index 1.00e+308, under 30');
    expect(text).toContain('m3: no reading for 301 s');
  });
});
