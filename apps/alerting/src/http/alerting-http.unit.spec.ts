import {
  ALERT,
  ALERT_CHANNEL,
  ALERT_DELIVERY,
  ALERT_RULE,
  ALERT_SUMMARY,
  SILENCE,
} from '@twinlog/service-kit';
import { startAlertingHttp } from '../testing/alerting-http-harness';

// The alerting controllers over an in-memory AlertingApi: what they take (query parameters,
// bodies, ids), who may call them, and which sites a caller sees.

let http: Awaited<ReturnType<typeof startAlertingHttp>>;

beforeEach(async () => {
  http = await startAlertingHttp();
  http.api.addAlert('a-1', { openedAt: '2026-12-06T10:00:00.000Z', site: 'plant-a' });
  http.api.addAlert('a-2', {
    openedAt: '2026-12-06T11:00:00.000Z',
    site: 'plant-b',
    severity: 'critical',
  });
  http.api.addAlert('a-3', {
    openedAt: '2026-12-06T09:00:00.000Z',
    site: 'plant-a',
    status: 'resolved',
  });
});
afterEach(() => http.close());

describe('GET /v1/alerts', () => {
  it('lists alerts newest first under `alerts`, with `next`', async () => {
    const { status, body } = await http.call('GET', '/v1/alerts');
    expect(status).toBe(200);
    expect(body.alerts.map((a: { alertId: string }) => a.alertId)).toEqual(['a-2', 'a-1', 'a-3']);
    expect(body.next).toBeNull();
    for (const alert of body.alerts) expect(ALERT_SUMMARY.safeParse(alert).success).toBe(true);
  });

  it('lists each alert without its history, with counts; the alert itself has it (review 20 #8)', async () => {
    const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 12, 0, s)).toISOString();
    const history = Array.from({ length: 400 }, (_, i) => ({
      transition: i % 2 === 0 ? ('reopened' as const) : ('resolved' as const),
      at: at(i),
      actor: null,
      note: null,
      eventId: `e-${i}`,
    }));
    const suppressed = history.map((h) => ({
      transition: h.transition,
      at: h.at,
      reason: 'flapping' as const,
      channelId: null,
      silenceId: null,
    }));
    http.api.addAlert('a-flaps', { openedAt: '2026-12-06T12:00:00.000Z', history, suppressed });
    const { body } = await http.call('GET', '/v1/alerts?limit=1');
    const [listed] = body.alerts;
    expect(listed.alertId).toBe('a-flaps');
    expect(listed).not.toHaveProperty('history');
    expect(listed).not.toHaveProperty('suppressed');
    expect(listed).toMatchObject({
      historyCount: 400,
      suppressedCount: 400,
      lastTransition: history[399],
    });
    expect(ALERT_SUMMARY.safeParse(listed).success).toBe(true);
    // What the view no longer keeps of a flapping alert is counted too.
    http.api.addAlert('a-capped', {
      openedAt: '2026-12-06T13:00:00.000Z',
      history: history.slice(-50),
      historyOmitted: 350,
      suppressed: [],
      suppressedOmitted: 7,
    } as Parameters<typeof http.api.addAlert>[1]);
    const capped = (await http.call('GET', '/v1/alerts?limit=1')).body.alerts[0];
    expect(capped).toMatchObject({ alertId: 'a-capped', historyCount: 400, suppressedCount: 7 });
    expect(capped).not.toHaveProperty('historyOmitted');
    expect(ALERT_SUMMARY.strict().safeParse(capped).success).toBe(true);
    const one = await http.call('GET', '/v1/alerts/a-flaps');
    expect(one.body.history).toHaveLength(400);
    expect(ALERT.safeParse(one.body).success).toBe(true);
  });

  it('passes status (a comma list), minSeverity, twinId and site to the API', async () => {
    const { status, body } = await http.call(
      'GET',
      '/v1/alerts?status=open,acknowledged&minSeverity=alarm&twinId=pump-1&site=plant-b',
    );
    expect(status).toBe(200);
    expect(body.alerts.map((a: { alertId: string }) => a.alertId)).toEqual(['a-2']);
    expect(http.api.calls.at(-1)!.args[0]).toEqual({
      status: ['open', 'acknowledged'],
      minSeverity: 'alarm',
      twinId: 'pump-1',
      site: 'plant-b',
    });
  });

  it('pages with limit and cursor, every alert once', async () => {
    const first = await http.call('GET', '/v1/alerts?limit=2');
    expect(first.body.alerts).toHaveLength(2);
    expect(typeof first.body.next).toBe('string');
    const second = await http.call('GET', `/v1/alerts?limit=2&cursor=${first.body.next}`);
    expect(second.body.alerts.map((a: { alertId: string }) => a.alertId)).toEqual(['a-3']);
    expect(second.body.next).toBeNull();
    // A cursor of other filters is refused, not followed.
    const other = await http.call('GET', `/v1/alerts?status=open&cursor=${first.body.next}`);
    expect(other.status).toBe(400);
    expect(other.body.error.details.parameter).toBe('cursor');
  });

  it.each([
    ['status=opened', 'status'],
    ['status=open,open', 'status'],
    ['status=', 'status'],
    ['minSeverity=loud', 'minSeverity'],
    ['twinId=__proto__', 'twinId'],
    ['limit=0', 'limit'],
    ['limit=1e308', 'limit'],
    ['cursor=garbage', 'cursor'],
    ['__proto__=1', '__proto__'],
    ['constructor=x', 'constructor'],
    ['status=open&status=resolved', 'status'],
  ])('refuses ?%s with 400 QUERY_INVALID naming %s', async (query, parameter) => {
    const { status, body } = await http.call('GET', `/v1/alerts?${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('QUERY_INVALID');
    expect(body.error.details.parameter).toBe(parameter);
  });

  it("shows a site-scoped caller only its sites' alerts", async () => {
    const { body } = await http.call('GET', '/v1/alerts', { as: 'viewer:plant-a' });
    expect(body.alerts.map((a: { alertId: string }) => a.alertId)).toEqual(['a-1', 'a-3']);
    const other = await http.call('GET', '/v1/alerts/a-2', { as: 'viewer:plant-a' });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('ALERT_NOT_FOUND');
  });
});

describe('alert commands', () => {
  it('acknowledges with a note, recording who: 200 with the alert', async () => {
    const { status, body } = await http.call('POST', '/v1/alerts/a-1/acknowledge', {
      body: { note: 'on it' },
      as: 'operator',
    });
    expect(status).toBe(200);
    expect(ALERT.parse(body).status).toBe('acknowledged');
    expect(body.acknowledged).toEqual({
      at: expect.any(String),
      by: 'key:test-operator',
      note: 'on it',
    });
  });

  it('acknowledges without a body', async () => {
    const { status, body } = await http.call('POST', '/v1/alerts/a-1/acknowledge');
    expect(status).toBe(200);
    expect(body.acknowledged.note).toBeNull();
  });

  it('answers the engine refusals with their statuses: 404, 409', async () => {
    expect((await http.call('POST', '/v1/alerts/nope/acknowledge')).status).toBe(404);
    expect((await http.call('POST', '/v1/alerts/__proto__/acknowledge')).status).toBe(404);
    expect((await http.call('GET', '/v1/alerts/constructor')).status).toBe(404);
    const resolved = await http.call('POST', '/v1/alerts/a-3/resolve');
    expect(resolved.status).toBe(409);
    expect(resolved.body.error.code).toBe('ALERT_RESOLVED');
    await http.call('POST', '/v1/alerts/a-1/acknowledge');
    const twice = await http.call('POST', '/v1/alerts/a-1/acknowledge');
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('ALERT_ALREADY_ACKNOWLEDGED');
    expect((await http.call('GET', `/v1/alerts/${'x'.repeat(300)}`)).status).toBe(404);
  });

  it.each([
    ['a note over 4,000 characters', 'acknowledge', `{"note":"${'x'.repeat(4_001)}"}`, 'note'],
    ['a note that is a number', 'acknowledge', '{"note":42}', 'note'],
    ['an unknown field', 'acknowledge', '{"note":"ok","by":"someone-else"}', '(body)'],
    ['a __proto__ field', 'acknowledge', '{"__proto__":{"role":"admin"},"note":"x"}', '__proto__'],
    ['an array', 'acknowledge', '[]', '(body)'],
    ['no assignee', 'assign', '{}', 'assignee'],
    ['an empty assignee', 'assign', '{"assignee":""}', 'assignee'],
    ['a 201-character assignee', 'assign', `{"assignee":"${'x'.repeat(201)}"}`, 'assignee'],
    ['a null note', 'resolve', '{"note":null}', 'note'],
  ])('refuses %s (%s) with 400 COMMAND_INVALID naming it', async (_, verb, raw, field) => {
    const { status, body } = await http.call('POST', `/v1/alerts/a-1/${verb}`, { raw });
    expect(status).toBe(400);
    expect(body.error.code).toBe('COMMAND_INVALID');
    expect(body.error.details.problems.join(' ')).toContain(field);
    expect(http.api.alertsById.get('a-1')!.status).toBe('open');
  });

  it('refuses a body that is not a JSON object with 400', async () => {
    const { status, body } = await http.call('POST', '/v1/alerts/a-1/acknowledge', {
      raw: '"yes"',
    });
    expect(status).toBe(400);
    expect(['JSON_MALFORMED', 'COMMAND_INVALID']).toContain(body.error.code);
  });

  it('assigns and resolves, with the note', async () => {
    const assigned = await http.call('POST', '/v1/alerts/a-1/assign', {
      body: { assignee: 'maria', note: 'night shift' },
      as: 'operator',
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body.assignee.to).toBe('maria');
    const resolved = await http.call('POST', '/v1/alerts/a-1/resolve', {
      body: { note: 'bearing replaced' },
      as: 'operator',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.resolved).toMatchObject({ reason: 'by-hand', note: 'bearing replaced' });
  });

  it('refuses a viewer (403 FORBIDDEN) and a caller of another site (404)', async () => {
    const viewer = await http.call('POST', '/v1/alerts/a-1/acknowledge', { as: 'viewer' });
    expect(viewer.status).toBe(403);
    expect(viewer.body.error.code).toBe('FORBIDDEN');
    const elsewhere = await http.call('POST', '/v1/alerts/a-1/acknowledge', {
      as: 'operator:plant-b',
    });
    expect(elsewhere.status).toBe(404);
    expect(http.api.alertsById.get('a-1')!.status).toBe('open');
  });
});

describe('channels', () => {
  const webhook = {
    kind: 'webhook',
    url: 'https://hooks.example.com/t/abc?token=1',
    secret: 's3cret',
  };

  it('makes a webhook channel: 201, never the secret or the full URL', async () => {
    const { status, body } = await http.call('POST', '/v1/alert-channels', { body: webhook });
    expect(status).toBe(201);
    expect(ALERT_CHANNEL.parse(body).kind).toBe('webhook');
    expect(body.name).toBe('webhook hooks.example.com');
    const text = JSON.stringify(body);
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('/t/abc');
    expect(http.api.calls.at(-1)!.args).toEqual([
      { ...webhook, name: 'webhook hooks.example.com' },
      'key:test-admin',
    ]);
  });

  it.each([
    [{ kind: 'webhook', url: 'https://x.example' }, 'secret'],
    [{ kind: 'webhook', url: 'ftp://x.example', secret: 's' }, 'url'],
    [{ kind: 'webhook', url: 'not a url', secret: 's' }, 'url'],
    [{ kind: 'slack', url: 'https://x.example', secret: 's' }, '(body)'],
    [{ kind: 'email', to: ['not-an-address'] }, 'to'],
    [{ kind: 'email', to: [] }, 'to'],
    [{ kind: 'pager', url: 'https://x.example' }, 'kind'],
    [{ kind: '__proto__' }, 'kind'],
  ])('refuses %j with 400 naming %s', async (body, field) => {
    const { status, body: answer } = await http.call('POST', '/v1/alert-channels', { body });
    expect(status).toBe(400);
    expect(answer.error.details.problems.join(' ')).toContain(field);
  });

  it('is for admins: an engineer can list but not make, test or remove one', async () => {
    await http.call('POST', '/v1/alert-channels', { body: webhook });
    expect(
      (await http.call('GET', '/v1/alert-channels', { as: 'viewer' })).body.channels,
    ).toHaveLength(1);
    for (const [method, path, body] of [
      ['POST', '/v1/alert-channels', webhook],
      ['POST', '/v1/alert-channels/ch-1/test', undefined],
      ['DELETE', '/v1/alert-channels/ch-1', undefined],
    ] as const) {
      const answer = await http.call(method, path, { as: 'engineer', body });
      expect(answer.status).toBe(403);
    }
  });

  it('tests (200 with how it went) and removes (204, then 404)', async () => {
    await http.call('POST', '/v1/alert-channels', { body: webhook });
    const tested = await http.call('POST', '/v1/alert-channels/ch-1/test');
    expect(tested).toEqual({
      status: 200,
      body: { ok: false, status: 500, error: expect.any(String) },
    });
    expect((await http.call('DELETE', '/v1/alert-channels/ch-1')).status).toBe(204);
    expect((await http.call('GET', '/v1/alert-channels/ch-1')).status).toBe(404);
    expect((await http.call('DELETE', '/v1/alert-channels/__proto__')).status).toBe(404);
  });
});

describe('a channel a rule names', () => {
  it('is not removed: 409 CHANNEL_IN_USE', async () => {
    await http.call('POST', '/v1/alert-channels', {
      body: { kind: 'slack', url: 'https://hooks.slack.example/x' },
    });
    await http.call('POST', '/v1/alert-rules', { body: { name: 'r', channels: ['ch-1'] } });
    const { status, body } = await http.call('DELETE', '/v1/alert-channels/ch-1');
    expect(status).toBe(409);
    expect(body.error.code).toBe('CHANNEL_IN_USE');
  });
});

describe('rules', () => {
  const rule = {
    name: 'night crew',
    match: { minSeverity: 'alarm', causes: ['anomaly'], sites: ['plant-a'] },
    channels: ['*'],
    quietHours: { from: '22:00', to: '06:00', timeZone: 'Europe/Berlin' },
    escalation: [{ afterMinutes: 15, channels: ['ch-9'] }],
  };

  it('makes one (201), defaulting what quiet hours let through to critical', async () => {
    http.api.channelsById.set('ch-9', {
      channelId: 'ch-9',
      name: 'pager',
      kind: 'webhook',
      display: 'https://p.example',
      createdAt: '2026-12-06T00:00:00.000Z',
      createdBy: null,
    });
    const { status, body } = await http.call('POST', '/v1/alert-rules', {
      body: rule,
      as: 'engineer',
    });
    expect(status).toBe(201);
    expect(ALERT_RULE.parse(body).quietHours).toEqual({
      ...rule.quietHours,
      allowSeverity: 'critical',
    });
    const listed = await http.call('GET', '/v1/alert-rules');
    expect(listed.body).toEqual({ rules: [body], next: null });
  });

  it('sets one under its id (PUT), and removes it (204)', async () => {
    const put = await http.call('PUT', '/v1/alert-rules/line-1', {
      body: { name: 'all', channels: ['*'] },
      as: 'engineer',
    });
    expect(put.status).toBe(200);
    expect(put.body.ruleId).toBe('line-1');
    expect((await http.call('DELETE', '/v1/alert-rules/line-1', { as: 'engineer' })).status).toBe(
      204,
    );
    expect((await http.call('GET', '/v1/alert-rules/line-1')).status).toBe(404);
  });

  it.each([
    [{ channels: ['*'] }, 'name'],
    [{ name: 'r', channels: [] }, 'channels'],
    [{ name: 'r', channels: ['*'], match: { minSeverity: 'huge' } }, 'match.minSeverity'],
    [{ name: 'r', channels: ['*'], match: { colour: 'red' } }, 'match'],
    [
      { name: 'r', channels: ['*'], quietHours: { from: '25:00', to: '06:00', timeZone: 'UTC' } },
      'quietHours.from',
    ],
    [
      {
        name: 'r',
        channels: ['*'],
        quietHours: { from: '22:00', to: '06:00', timeZone: 'Mars/Olympus' },
      },
      'quietHours.timeZone',
    ],
    [
      { name: 'r', channels: ['*'], escalation: [{ afterMinutes: 0, channels: ['c'] }] },
      'escalation.0.afterMinutes',
    ],
    [{ name: 'r', channels: ['__proto__'] }, 'channels.0'],
  ])('refuses %j with 400 naming %s', async (body, field) => {
    const { status, body: answer } = await http.call('POST', '/v1/alert-rules', { body });
    expect(status).toBe(400);
    expect(answer.error.details.problems.join(' ')).toContain(field);
  });

  it('refuses a rule id no id can be, and names no channel that does not exist', async () => {
    const hostile = await http.call('PUT', '/v1/alert-rules/__proto__', {
      body: { name: 'r', channels: ['*'] },
    });
    expect(hostile.status).toBe(422);
    expect(hostile.body.error.code).toBe('RULE_INVALID');
    expect(hostile.body.error.details.problems[0]).toContain('ruleId');
    const unknown = await http.call('POST', '/v1/alert-rules', {
      body: { name: 'r', channels: ['nope'] },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('RULE_INVALID');
  });

  it('is for engineers', async () => {
    const answer = await http.call('POST', '/v1/alert-rules', {
      body: { name: 'r', channels: ['*'] },
      as: 'operator',
    });
    expect(answer.status).toBe(403);
  });
});

describe('rules of a caller scoped to some sites (review 20 #9)', () => {
  beforeEach(async () => {
    for (const [id, sites] of [
      ['global', []],
      ['plant-a-only', ['plant-a']],
      ['a-and-b', ['plant-a', 'plant-b']],
    ] as const) {
      const put = await http.call('PUT', `/v1/alert-rules/${id}`, {
        body: { name: id, match: { sites }, channels: ['*'] },
      });
      expect(put.status).toBe(200);
    }
  });

  it('lists and shows only rules whose sites lie within its own; others are not found', async () => {
    const listed = await http.call('GET', '/v1/alert-rules', { as: 'viewer:plant-a' });
    expect(listed.body.rules.map((r: { ruleId: string }) => r.ruleId)).toEqual(['plant-a-only']);
    const both = await http.call('GET', '/v1/alert-rules', { as: 'viewer:plant-a,plant-b' });
    expect(both.body.rules.map((r: { ruleId: string }) => r.ruleId)).toEqual([
      'a-and-b',
      'plant-a-only',
    ]);
    for (const id of ['global', 'a-and-b']) {
      const hidden = await http.call('GET', `/v1/alert-rules/${id}`, { as: 'viewer:plant-a' });
      expect([id, hidden.status, hidden.body.error.code]).toEqual([id, 404, 'RULE_NOT_FOUND']);
    }
    expect(
      (await http.call('GET', '/v1/alert-rules/plant-a-only', { as: 'viewer:plant-a' })).status,
    ).toBe(200);
    const everyone = await http.call('GET', '/v1/alert-rules', { as: 'viewer' });
    expect(everyone.body.rules).toHaveLength(3);
  });

  it('sets and removes only rules within its sites; a global rule or another site is forbidden', async () => {
    const as = 'engineer:plant-a';
    const mine = await http.call('POST', '/v1/alert-rules', {
      body: { name: 'mine', match: { sites: ['plant-a'] }, channels: ['*'] },
      as,
    });
    expect(mine.status).toBe(201);
    for (const match of [
      {},
      { sites: [] },
      { sites: ['plant-a', 'plant-b'] },
      { sites: ['plant-b'] },
    ]) {
      const refused = await http.call('POST', '/v1/alert-rules', {
        body: { name: 'wide', match, channels: ['*'] },
        as,
      });
      expect([match, refused.status, refused.body.error.code]).toEqual([
        match,
        403,
        'SITE_FORBIDDEN',
      ]);
      // Nor by making its own rule global.
      const widened = await http.call('PUT', '/v1/alert-rules/plant-a-only', {
        body: { name: 'wide', match, channels: ['*'] },
        as,
      });
      expect([match, widened.status]).toEqual([match, 403]);
    }
    for (const id of ['global', 'a-and-b']) {
      const put = await http.call('PUT', `/v1/alert-rules/${id}`, {
        body: { name: 'taken', match: { sites: ['plant-a'] }, channels: ['*'] },
        as,
      });
      expect([id, put.status, put.body.error.code]).toEqual([id, 404, 'RULE_NOT_FOUND']);
      const removed = await http.call('DELETE', `/v1/alert-rules/${id}`, { as });
      expect([id, removed.status]).toEqual([id, 404]);
      expect(http.api.rulesById.get(id)?.name).toBe(id);
    }
    expect((await http.call('DELETE', '/v1/alert-rules/plant-a-only', { as })).status).toBe(204);
    expect(http.api.rulesById.has('plant-a-only')).toBe(false);
  });
});

describe('silences', () => {
  it('silences a twin from now for a while (201) and lifts it (204)', async () => {
    const { status, body } = await http.call('POST', '/v1/silences', {
      body: { twinId: 'pump-1', to: '2026-12-06T14:00:00+01:00', reason: 'bearing swap' },
      as: 'operator',
    });
    expect(status).toBe(201);
    expect(SILENCE.parse(body)).toMatchObject({
      kind: 'silence',
      twinId: 'pump-1',
      from: '2026-12-06T12:00:00.000Z',
      to: '2026-12-06T13:00:00.000Z',
    });
    const active = await http.call('GET', '/v1/silences?active=true');
    expect(active.body.silences).toHaveLength(1);
    expect(
      (await http.call('DELETE', `/v1/silences/${body.silenceId}`, { as: 'operator' })).status,
    ).toBe(204);
    expect((await http.call('GET', '/v1/silences?active=true')).body.silences).toHaveLength(0);
  });

  it.each([
    [{ to: '2026-12-07T00:00:00Z', reason: 'r' }, 'exactly one of twinId and site'],
    [{ twinId: 'p', site: 's', to: '2026-12-07T00:00:00Z', reason: 'r' }, 'exactly one'],
    [{ twinId: 'p', to: '2026-11-31T00:00:00Z', reason: 'r' }, 'to'],

    [{ twinId: 'p', to: '2026-12-07T00:00:00Z' }, 'reason'],
    [{ twinId: '__proto__', to: '2026-12-07T00:00:00Z', reason: 'r' }, 'twinId'],
    [{ twinId: 'p', to: 1e308, reason: 'r' }, 'to'],
  ])('refuses %j with 400 (%s)', async (body, text) => {
    const { status, body: answer } = await http.call('POST', '/v1/silences', { body });
    expect(status).toBe(400);
    expect(answer.error.details.problems.join(' ')).toContain(text);
  });

  it.each([
    ['ends in the past', { twinId: 'p', to: '2026-12-06T11:00:00Z', reason: 'r' }],
    [
      'ends before it starts',
      { twinId: 'p', from: '2026-12-08T00:00:00Z', to: '2026-12-07T00:00:00Z', reason: 'r' },
    ],
  ])('refuses a silence that %s with 422 SILENCE_INVALID', async (_, body) => {
    const { status, body: answer } = await http.call('POST', '/v1/silences', { body });
    expect(status).toBe(422);
    expect(answer.error.code).toBe('SILENCE_INVALID');
    expect(http.api.silencesById.size).toBe(0);
  });

  it('is for operators, on their own sites', async () => {
    const body = { site: 'plant-b', to: '2026-12-07T00:00:00Z', reason: 'shutdown' };
    expect((await http.call('POST', '/v1/silences', { body, as: 'viewer' })).status).toBe(403);
    const elsewhere = await http.call('POST', '/v1/silences', { body, as: 'operator:plant-a' });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error.code).toBe('SITE_FORBIDDEN');
    await http.call('POST', '/v1/silences', { body });
    const listed = await http.call('GET', '/v1/silences', { as: 'viewer:plant-a' });
    expect(listed.body.silences).toEqual([]);
  });
});

describe('deliveries', () => {
  beforeEach(() => {
    http.api.addDelivery('dlv-1', { alertId: 'a-1', queuedAt: '2026-12-06T10:00:00.000Z' });
    http.api.addDelivery('dlv-2', {
      alertId: 'a-2',
      status: 'delivered',
      queuedAt: '2026-12-06T11:00:00.000Z',
    });
  });

  it('lists them newest first, filtered by status, alertId and channelId', async () => {
    const all = await http.call('GET', '/v1/alert-deliveries');
    expect(all.body.deliveries.map((d: { deliveryId: string }) => d.deliveryId)).toEqual([
      'dlv-2',
      'dlv-1',
    ]);
    for (const d of all.body.deliveries) expect(ALERT_DELIVERY.safeParse(d).success).toBe(true);
    const dead = await http.call(
      'GET',
      '/v1/alert-deliveries?status=dead&alertId=a-1&channelId=ch-1',
    );
    expect(dead.body.deliveries.map((d: { deliveryId: string }) => d.deliveryId)).toEqual([
      'dlv-1',
    ]);
    expect((await http.call('GET', '/v1/alert-deliveries?status=lost')).status).toBe(400);
  });

  it('redelivers a dead one (202, pending) and refuses the rest (409, 404)', async () => {
    expect(
      (await http.call('POST', '/v1/alert-deliveries/dlv-1/redeliver', { as: 'viewer' })).status,
    ).toBe(403);
    const again = await http.call('POST', '/v1/alert-deliveries/dlv-1/redeliver', {
      as: 'operator',
    });
    expect(again.status).toBe(202);
    expect(again.body.status).toBe('pending');
    const delivered = await http.call('POST', '/v1/alert-deliveries/dlv-2/redeliver');
    expect(delivered.status).toBe(409);
    expect(delivered.body.error.code).toBe('DELIVERY_NOT_DEAD');
    expect((await http.call('POST', '/v1/alert-deliveries/__proto__/redeliver')).status).toBe(404);
  });

  it("shows a site-scoped caller only its alerts' deliveries", async () => {
    const listed = await http.call('GET', '/v1/alert-deliveries', { as: 'viewer:plant-a' });
    expect(listed.body.deliveries.map((d: { deliveryId: string }) => d.deliveryId)).toEqual([
      'dlv-1',
    ]);
    expect(
      (await http.call('GET', '/v1/alert-deliveries/dlv-2', { as: 'viewer:plant-a' })).status,
    ).toBe(404);
  });
});
