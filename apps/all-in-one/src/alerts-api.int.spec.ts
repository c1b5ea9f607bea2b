import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stampEvents, type TwinEvent } from '@twinlog/domain';
import { repoRoot, startWebhookReceiver, tsRunner, type WebhookReceiver } from '@twinlog/testing';
import { startInProcessTwinlog, type InProcessTwinlog } from './testing/in-process-twinlog';

// The alerting API through the gateway of the embedded all-in-one (docs/services/alerting.md):
// the four routes other tools rely on, paging, and the 404/409/422 refusals. Every JSON answer
// is also checked against the OpenAPI document (the int project's AnswerCheck).
jest.setTimeout(300_000);

let t: InProcessTwinlog;
let receiver: WebhookReceiver;
const SECRET = 'a-webhook-signing-secret';
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
type Answer = { status: number; json: any };

async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${t.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : {
          headers: { 'content-type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

/** An anomaly episode on a twin, as the anomaly service records it. */
async function anomaly(twinId: string, episodeId: string): Promise<void> {
  const event: TwinEvent = {
    type: 'AnomalyDetected',
    data: {
      episodeId,
      detector: 'range',
      properties: ['spindle_temperature'],
      score: 0.97,
      severity: 'alarm',
      evidence: [{ property: 'spindle_temperature', observed: 98, expectedHigh: 80 }],
    },
  };
  await t.infra.log.append(
    stampEvents(twinId, [{ ...event, occurredAt: minutesAgo(1) }], {
      commandId: `anomaly-${episodeId}`,
      correlationId: episodeId,
      causationId: null,
      producer: 'anomaly',
      now: new Date().toISOString(),
    }),
  );
}

/** Polls until `check` holds of the answer (the engine decides asynchronously). */
async function until(path: string, check: (a: Answer) => boolean): Promise<Answer> {
  let answer = await call('GET', path);
  for (let i = 0; i < 300 && !check(answer); i++) {
    await new Promise((r) => setTimeout(r, 100));
    answer = await call('GET', path);
  }
  expect([path, check(answer)]).toEqual([path, true]);
  return answer;
}

beforeAll(async () => {
  receiver = await startWebhookReceiver({ secret: SECRET });
  t = await startInProcessTwinlog();
  for (const twinId of ['alert-cnc-1', 'alert-cnc-2', 'alert-cnc-3']) {
    const registered = await call('POST', '/v1/twins', {
      twinId,
      twinType: 'cnc-milling-machine',
      site: 'plant-a',
      commissionedAt: minutesAgo(600),
    });
    expect(registered.status).toBe(201);
  }
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

describe('the routes other tools rely on', () => {
  let channelId: string;

  it('POST /v1/alert-channels makes a webhook channel: 201, without its secret or URL', async () => {
    const made = await call('POST', '/v1/alert-channels', {
      kind: 'webhook',
      url: `${receiver.url}/hooks/twinlog`,
      secret: SECRET,
    });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({
      kind: 'webhook',
      display: expect.stringMatching(/^http:\/\/127\.0\.0\.1/),
    });
    expect(JSON.stringify(made.json)).not.toContain(SECRET);
    expect(JSON.stringify(made.json)).not.toContain('/hooks/twinlog');
    channelId = made.json.channelId;
    const listed = await call('GET', '/v1/alert-channels');
    expect(listed.json.channels.map((c: { channelId: string }) => c.channelId)).toContain(
      channelId,
    );
  });

  it('POST /v1/alert-rules routes causes to the channel: 201; an unknown channel is 422', async () => {
    const rule = await call('POST', '/v1/alert-rules', {
      name: 'alarms to the webhook',
      match: { minSeverity: 'alarm', causes: ['anomaly'] },
      channels: [channelId],
    });
    expect(rule.status).toBe(201);
    expect(rule.json).toMatchObject({ channels: [channelId], enabled: true });
    const unknown = await call('POST', '/v1/alert-rules', {
      name: 'x',
      channels: ['no-such-channel'],
    });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.code).toBe('RULE_INVALID');
  });

  it('GET /v1/alerts?status=open lists the alerts an anomaly opened, paged', async () => {
    await anomaly('alert-cnc-1', 'ep-alert-1');
    await anomaly('alert-cnc-2', 'ep-alert-2');
    await anomaly('alert-cnc-3', 'ep-alert-3');
    const all = await until('/v1/alerts?status=open', (a) => a.json?.alerts?.length >= 3);
    expect(all.json.next).toBeNull();
    const subjects = all.json.alerts.map((a: { subject: string }) => a.subject).sort();
    expect(subjects).toEqual(['alert-cnc-1', 'alert-cnc-2', 'alert-cnc-3']);
    // One at a time: every alert once, in the same order.
    const paged: string[] = [];
    let next: string | null = null;
    do {
      const page = await call(
        'GET',
        `/v1/alerts?status=open&limit=1${next ? `&cursor=${next}` : ''}`,
      );
      expect(page.status).toBe(200);
      paged.push(...page.json.alerts.map((a: { alertId: string }) => a.alertId));
      next = page.json.next;
    } while (next !== null && paged.length < 10);
    expect(paged).toEqual(all.json.alerts.map((a: { alertId: string }) => a.alertId));
    // A cursor under other filters is refused, naming it.
    const first = await call('GET', '/v1/alerts?status=open&limit=1');
    const other = await call('GET', `/v1/alerts?status=resolved&cursor=${first.json.next}`);
    expect(other.status).toBe(400);
    expect(other.json.error.details.parameter).toBe('cursor');
  });

  it('delivers each opening to the webhook, signed, and lists the deliveries', async () => {
    for (let i = 0; i < 300 && receiver.deliveries.size < 3; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(receiver.deliveries.size).toBeGreaterThanOrEqual(3);
    expect(receiver.badSignatures).toBe(0);
    const listed = await until(
      '/v1/alert-deliveries?status=delivered',
      (a) => a.json?.deliveries?.length >= 3,
    );
    const ids = listed.json.deliveries.map((d: { deliveryId: string }) => d.deliveryId);
    for (const id of ids) expect(receiver.deliveries.has(id)).toBe(true);
    const one = await call('GET', `/v1/alert-deliveries/${ids[0]}`);
    expect(one.json).toMatchObject({
      deliveryId: ids[0],
      status: 'delivered',
      transition: 'opened',
    });
    const again = await call('POST', `/v1/alert-deliveries/${ids[0]}/redeliver`);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('DELIVERY_NOT_DEAD');
  });

  it('POST /v1/alerts/{id}/acknowledge: 200 with the alert; twice 409; unknown 404', async () => {
    const open = await call('GET', '/v1/alerts?status=open&twinId=alert-cnc-1');
    const alertId = open.json.alerts[0].alertId as string;
    const acked = await call('POST', `/v1/alerts/${alertId}/acknowledge`, { note: 'on my way' });
    expect(acked.status).toBe(200);
    expect(acked.json).toMatchObject({ alertId, status: 'acknowledged' });
    expect(acked.json.acknowledged).toMatchObject({ note: 'on my way', by: 'anonymous' });
    expect(acked.json.history.map((h: { transition: string }) => h.transition)).toContain(
      'acknowledged',
    );
    const twice = await call('POST', `/v1/alerts/${alertId}/acknowledge`);
    expect(twice.status).toBe(409);
    expect(twice.json.error.code).toBe('ALERT_ALREADY_ACKNOWLEDGED');
    for (const id of ['no-such-alert', '__proto__', 'constructor']) {
      const unknown = await call('POST', `/v1/alerts/${id}/acknowledge`, {});
      expect([id, unknown.status, unknown.json.error.code]).toEqual([id, 404, 'ALERT_NOT_FOUND']);
    }
    const stillOpen = await call('GET', '/v1/alerts?status=open');
    expect(stillOpen.json.alerts.map((a: { alertId: string }) => a.alertId)).not.toContain(alertId);
  });
});

describe('the rest of the API', () => {
  it('resolves by hand; a command on a resolved alert is 409 ALERT_RESOLVED', async () => {
    const open = await call('GET', '/v1/alerts?status=open&twinId=alert-cnc-2');
    const alertId = open.json.alerts[0].alertId as string;
    const assigned = await call('POST', `/v1/alerts/${alertId}/assign`, { assignee: 'maria' });
    expect(assigned.json).toMatchObject({ status: 'assigned', assignee: { to: 'maria' } });
    const resolved = await call('POST', `/v1/alerts/${alertId}/resolve`, { note: 'tool changed' });
    expect(resolved.status).toBe(200);
    expect(resolved.json.resolved).toMatchObject({ reason: 'by-hand', note: 'tool changed' });
    const late = await call('POST', `/v1/alerts/${alertId}/acknowledge`);
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('ALERT_RESOLVED');
  });

  it('refuses bad bodies and parameters with 400, never a 500', async () => {
    const open = await call('GET', '/v1/alerts?status=open&twinId=alert-cnc-3');
    const alertId = open.json.alerts[0].alertId as string;
    for (const [method, path, body] of [
      ['POST', `/v1/alerts/${alertId}/acknowledge`, { note: 'x'.repeat(4_001) }],
      ['POST', `/v1/alerts/${alertId}/acknowledge`, '{"__proto__":{"x":1}}'],
      ['POST', `/v1/alerts/${alertId}/assign`, {}],
      ['POST', '/v1/alert-channels', { kind: 'webhook', url: 'https://x.example' }],
      ['POST', '/v1/silences', { twinId: 'alert-cnc-3', to: 'tomorrow', reason: 'r' }],
      ['GET', '/v1/alerts?status=opened', undefined],
      ['GET', '/v1/alerts?minSeverity=1e308', undefined],
      ['GET', '/v1/alert-deliveries?status=lost', undefined],
    ] as const) {
      const answer = await call(method, path, body);
      expect([path, answer.status]).toEqual([path, 400]);
    }
    const rule = await call('PUT', '/v1/alert-rules/__proto__', { name: 'r', channels: ['*'] });
    expect(rule.status).toBe(422);
    expect((await call('GET', '/v1/alert-rules/__proto__')).status).toBe(404);
    expect((await call('DELETE', '/v1/silences/constructor')).status).toBe(404);
    expect((await call('POST', '/v1/alert-deliveries/__proto__/redeliver')).status).toBe(404);
  });

  it('sets, lists and lifts a silence (201, 204); a silence already over is 422', async () => {
    const set = await call('POST', '/v1/silences', {
      twinId: 'alert-cnc-3',
      to: new Date(Date.now() + 3_600_000).toISOString(),
      reason: 'tool change',
      kind: 'maintenance-window',
    });
    expect(set.status).toBe(201);
    const active = await call('GET', '/v1/silences?active=true');
    expect(active.json.silences.map((s: { silenceId: string }) => s.silenceId)).toContain(
      set.json.silenceId,
    );
    expect((await call('DELETE', `/v1/silences/${set.json.silenceId}`)).status).toBe(204);
    const over = await call('POST', '/v1/silences', {
      site: 'plant-a',
      to: minutesAgo(1),
      reason: 'late',
    });
    expect(over.status).toBe(422);
  });

  it('lists deliveries; a rule set with PUT and removed (204)', async () => {
    const deliveries = await call('GET', '/v1/alert-deliveries?limit=5');
    expect(deliveries.status).toBe(200);
    expect(Object.keys(deliveries.json).sort()).toEqual(['deliveries', 'next']);
    const put = await call('PUT', '/v1/alert-rules/ops-night', { name: 'night', channels: ['*'] });
    expect(put.status).toBe(200);
    expect((await call('DELETE', '/v1/alert-rules/ops-night')).status).toBe(204);
    expect((await call('GET', '/v1/alert-rules/ops-night')).status).toBe(404);
  });
});

/** `twinlog ...` in a child process (not spawnSync: this process serves the API it calls). */
function cli(
  args: string[],
  cwd: string,
  whileRunning?: (output: { out: () => string; err: () => string; stop: () => void }) => void,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [...tsRunner(), join(repoRoot(), 'apps', 'cli', 'src', 'main.ts'), ...args],
      {
        cwd: repoRoot(),
        env: { ...process.env, TWINLOG_URL: t.url, TWINLOG_CALLER_CWD: cwd },
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
    whileRunning?.({ out: () => out, err: () => err, stop: () => child.kill('SIGINT') });
  });
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600 && !check(); i++) await new Promise((r) => setTimeout(r, 100));
  expect([what, check()]).toEqual([what, true]);
}

describe('twinlog alerts against the API', () => {
  it('adds a webhook with a secret file, sets a rule, lists, acknowledges and shows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twinlog-cli-'));
    writeFileSync(join(dir, 'hook.secret'), `${SECRET}\n`);
    const added = await cli(
      [
        'alerts',
        'channel',
        'add',
        'webhook',
        `${receiver.url}/cli`,
        '--secret-file',
        'hook.secret',
        '--name',
        'cli hook',
      ],
      dir,
    );
    expect([added.code, added.err]).toEqual([0, '']);
    expect(added.out).toMatch(/^\S+: webhook channel "cli hook" to http:\/\/127\.0\.0\.1:\d+\n$/);
    const channelId = added.out.split(':')[0]!;
    const rule = await cli(
      [
        'alerts',
        'rule',
        'set',
        '--name',
        'cli night',
        '--min-severity',
        'warning',
        '--channel',
        channelId,
        '--quiet',
        '22:00-06:00@Europe/Berlin:alarm',
        '--escalate',
        `15:${channelId}`,
      ],
      dir,
    );
    expect([rule.code, rule.err]).toEqual([0, '']);
    expect(rule.out).toContain('22:00-06:00@Europe/Berlin:alarm');
    const rules = await call('GET', '/v1/alert-rules');
    expect(rules.json.rules.find((r: { name: string }) => r.name === 'cli night')).toMatchObject({
      match: { minSeverity: 'warning' },
      quietHours: { from: '22:00', to: '06:00', timeZone: 'Europe/Berlin', allowSeverity: 'alarm' },
      escalation: [{ afterMinutes: 15, channels: [channelId] }],
    });

    await anomaly('alert-cnc-1', 'ep-alert-cli');
    const open = await until(
      '/v1/alerts?status=open&twinId=alert-cnc-1',
      (a) => a.json?.alerts?.length === 1,
    );
    const alertId = open.json.alerts[0].alertId as string;
    const listed = await cli(['alerts', '--status', 'open'], dir);
    expect(listed.code).toBe(0);
    expect(listed.out.split('\n')[0]).toMatch(
      /^ID\s+STATUS\s+SEVERITY\s+TITLE\s+OPENED\s+ASSIGNEE$/,
    );
    expect(listed.out).toMatch(new RegExp(`${alertId}\\s+open\\s+alarm`));
    const acked = await cli(['alerts', 'ack', alertId, '--note', 'from the cli'], dir);
    expect([acked.code, acked.out]).toEqual([
      0,
      expect.stringContaining(`${alertId} is acknowledged`),
    ]);
    const shown = await cli(['alerts', 'show', alertId], dir);
    expect(shown.out).toMatch(/acknowledged\s+by anonymous: from the cli/);
    const again = await cli(['alerts', 'ack', alertId], dir);
    expect(again.code).toBe(2);
    expect(again.err).toContain('409: ALERT_ALREADY_ACKNOWLEDGED');
    const bad = await cli(['alerts', 'ack', alertId, '--note', 'x'.repeat(4_001)], dir);
    expect(bad.err).toContain('note: must be at most 4000 characters');
  });

  it('follows: the open alerts, then each change as it happens', async () => {
    let output: { out: () => string; err: () => string; stop: () => void } | undefined;
    const done = cli(
      ['alerts', 'list', '--status', 'open', '--follow'],
      tmpdir(),
      (o) => (output = o),
    );
    await waitFor(() => output?.err().includes('Following alert changes') ?? false, 'following');
    // A twin of its own: another's resolved alert would reopen (flapping), not open.
    const registered = await call('POST', '/v1/twins', {
      twinId: 'alert-cnc-follow',
      twinType: 'cnc-milling-machine',
      site: 'plant-a',
      commissionedAt: minutesAgo(600),
    });
    expect(registered.status).toBe(201);
    await anomaly('alert-cnc-follow', 'ep-alert-follow');
    await waitFor(
      () => /OPENED alarm: .*alert-cnc-follow/.test(output!.out()),
      'the opening printed',
    );
    // The table's header says OPENED too: the change's line says what opened.
    const line = output!
      .out()
      .split('\n')
      .find((l) => /OPENED alarm:/.test(l))!;
    const alertId = line.split(/\s+/)[2]!;
    const acked = await call('POST', `/v1/alerts/${alertId}/acknowledge`, { note: 'seen live' });
    expect(acked.status).toBe(200);
    await waitFor(
      () => output!.out().includes('acknowledged: seen live'),
      'the acknowledgement printed',
    );
    output!.stop();
    await done;
  });
});
