import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertView, DeliveryView } from '@twinlog/domain';
import {
  parseDuration,
  parseEscalation,
  parseQuietHours,
  positionals,
  ruleBody,
  silenceBody,
  webhookSecret,
} from './commands/alert-args';
import { alertsTable, describeAlert, describeAlertChange } from './commands/alert-format';
import { alertsCommand, type AlertsContext } from './commands/alerts.command';
import { CliError } from './commands/api-client';

const NOW = new Date('2026-12-06T12:00:00.000Z');

const alert: AlertView = {
  alertId: 'alr-7',
  status: 'acknowledged',
  severity: 'alarm',
  title: 'Bearing temperature high on pump-1',
  groupKey: 'line-1',
  subject: 'pump-1',
  site: 'plant-a',
  openedAt: '2026-12-06T10:00:00.000Z',
  acknowledged: { at: '2026-12-06T10:05:00.000Z', by: 'key:maria', note: 'on my way' },
  assignee: null,
  resolved: null,
  escalations: 1,
  reopenCount: 0,
  members: [
    {
      twinId: 'pump-1',
      causeKey: 'anomaly/pump-1/range/temperature',
      cause: {
        kind: 'anomaly',
        twinId: 'pump-1',
        episodeId: 'ep-1',
        detector: 'range',
        properties: ['temperature'],
        severity: 'alarm',
        evidence: [],
      },
      since: '2026-12-06T10:00:00.000Z',
      clearedAt: null,
    },
  ],
  history: [
    {
      transition: 'opened',
      at: '2026-12-06T10:00:00.000Z',
      actor: null,
      note: null,
      eventId: 'e1',
    },
    {
      transition: 'acknowledged',
      at: '2026-12-06T10:05:00.000Z',
      actor: 'key:maria',
      note: 'on my way',
      eventId: 'e2',
    },
  ],
  suppressed: [
    {
      transition: 'opened',
      at: '2026-12-06T10:00:00.000Z',
      reason: 'quiet-hours',
      channelId: 'ch-mail',
      silenceId: null,
    },
  ],
  revision: 2,
};

const delivery: DeliveryView = {
  deliveryId: 'dlv-abc',
  alertId: 'alr-7',
  channelId: 'ch-hook',
  ruleId: 'default',
  transition: 'opened',
  status: 'dead',
  queuedAt: '2026-12-06T10:00:00.000Z',
  notBefore: '2026-12-06T10:00:00.000Z',
  nextAttemptAt: null,
  attempts: 9,
  lastError: 'HTTP 503',
  lastStatus: 503,
  deliveredAt: null,
  deadAt: '2026-12-07T10:00:00.000Z',
};

describe('twinlog alerts: arguments', () => {
  it('reads quiet hours with a time zone and the severity that still goes out', () => {
    expect(parseQuietHours('22:00-06:00@Europe/Berlin')).toEqual({
      from: '22:00',
      to: '06:00',
      timeZone: 'Europe/Berlin',
      allowSeverity: 'critical',
    });
    expect(parseQuietHours('22:00-06:00@America/Argentina/Buenos_Aires:alarm')).toMatchObject({
      timeZone: 'America/Argentina/Buenos_Aires',
      allowSeverity: 'alarm',
    });
    for (const bad of ['22:00-06:00', '24:00-06:00@UTC', '22-06@UTC', '22:00-06:00@UTC:loud'])
      expect(() => parseQuietHours(bad)).toThrow(CliError);
  });

  it('reads escalation steps, joining the channels of one minute, in order', () => {
    expect(parseEscalation(['30:ch-boss', '15:ch-pager', '15:ch-sms'])).toEqual([
      { afterMinutes: 15, channels: ['ch-pager', 'ch-sms'] },
      { afterMinutes: 30, channels: ['ch-boss'] },
    ]);
    for (const bad of ['ch-pager', '0:ch', 'x:ch', '15:'])
      expect(() => parseEscalation([bad])).toThrow(CliError);
  });

  it('reads durations and refuses what is not one', () => {
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    for (const bad of ['', '2', 'h', '2 h', '-2h', '2y', '0m', '2h-'])
      expect(() => parseDuration(bad)).toThrow(CliError);
  });

  it('tells positional words from options and their values', () => {
    expect(positionals(['A-1', '--note', 'on it', 'maria', '--json'])).toEqual(['A-1', 'maria']);
    expect(positionals(['pump-1', '--maintenance', '--for', '2h'])).toEqual(['pump-1']);
  });

  it('builds a rule body from repeatable flags, leaving out what is not said', () => {
    const body = ruleBody([
      '--name',
      'night crew',
      '--min-severity',
      'warning',
      '--channel',
      'ch-1',
      '--channel',
      'ch-2',
      '--cause',
      'anomaly',
      '--site',
      'plant-a,plant-b',
      '--subtree',
      'line-1',
      '--quiet',
      '22:00-06:00@Europe/Berlin:critical',
      '--escalate',
      '15:ch-pager',
    ]);
    expect(body).toEqual({
      name: 'night crew',
      match: {
        minSeverity: 'warning',
        causes: ['anomaly'],
        sites: ['plant-a', 'plant-b'],
        subtree: 'line-1',
      },
      channels: ['ch-1', 'ch-2'],
      quietHours: {
        from: '22:00',
        to: '06:00',
        timeZone: 'Europe/Berlin',
        allowSeverity: 'critical',
      },
      escalation: [{ afterMinutes: 15, channels: ['ch-pager'] }],
    });
    expect(() => ruleBody(['--channel', '*'])).toThrow(/--name/);
    expect(() => ruleBody(['--name', 'x'])).toThrow(/--channel/);
    expect(() => ruleBody(['--name', 'x', '--channel', '*', '--min-severity', 'loud'])).toThrow(
      /min-severity/,
    );
    expect(() => ruleBody(['--name', '--channel', '*'])).toThrow(/--name needs a value/);
  });

  it('builds a silence for a while or until a time, of a twin or a site', () => {
    expect(
      silenceBody(['pump-1', '--for', '2h', '--reason', 'bearing swap', '--maintenance'], NOW),
    ).toEqual({
      kind: 'maintenance-window',
      twinId: 'pump-1',
      to: '2026-12-06T14:00:00.000Z',
      reason: 'bearing swap',
    });
    expect(
      silenceBody(
        ['--site', 'plant-a', '--until', '2026-12-07T06:00:00+01:00', '--reason', 'shutdown'],
        NOW,
      ),
    ).toEqual({ site: 'plant-a', to: '2026-12-07T06:00:00+01:00', reason: 'shutdown' });
    expect(() => silenceBody(['--for', '2h', '--reason', 'r'], NOW)).toThrow(/twin id, or --site/);
    expect(() => silenceBody(['p', '--site', 's', '--for', '2h', '--reason', 'r'], NOW)).toThrow(
      CliError,
    );
    expect(() => silenceBody(['p', '--reason', 'r'], NOW)).toThrow(/--for/);
    expect(() => silenceBody(['p', '--for', '2h', '--until', 'x', '--reason', 'r'], NOW)).toThrow(
      /--for/,
    );
    expect(() => silenceBody(['p', '--for', '2h'], NOW)).toThrow(/--reason/);
  });

  it('takes the webhook secret from a file, else the flag, else the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twinlog-secret-'));
    writeFileSync(join(dir, 'hook.secret'), 'from-file\nsecond line\n');
    expect(webhookSecret(['--secret-file', 'hook.secret'], 'from-env', dir)).toBe('from-file');
    expect(webhookSecret(['--secret', 'from-flag'], 'from-env', dir)).toBe('from-flag');
    expect(webhookSecret([], 'from-env', dir)).toBe('from-env');
    expect(() => webhookSecret([], undefined, dir)).toThrow(
      /--secret-file PATH, or TWINLOG_WEBHOOK_SECRET/,
    );
    expect(() => webhookSecret(['--secret-file', 'missing'], undefined, dir)).toThrow(/missing/);
    expect(() =>
      webhookSecret(['--secret-file', 'hook.secret', '--secret', 's'], undefined, dir),
    ).toThrow(/not both/);
  });
});

describe('twinlog alerts: output', () => {
  it('lists alerts as a table: id, status, severity, title, opened, assignee', () => {
    const [header, row] = alertsTable([alert]);
    expect(header).toMatch(/^ID\s+STATUS\s+SEVERITY\s+TITLE\s+OPENED\s+ASSIGNEE$/);
    expect(row).toMatch(
      /^alr-7\s+acknowledged\s+alarm\s+Bearing temperature high on pump-1\s+2026-12-06 10:00:00\s+-$/,
    );
  });

  it('shows one alert with who did what, what was held back, and its deliveries', () => {
    const text = describeAlert(alert, [delivery]).join('\n');
    expect(text).toContain('2026-12-06 10:00:00  opened        by Twinlog');
    expect(text).toContain('2026-12-06 10:05:00  acknowledged  by key:maria: on my way');
    expect(text).toContain('opened to ch-mail: quiet-hours');
    expect(text).toContain('dlv-abc  opened to ch-hook: dead, 9 attempts (last: HTTP 503)');
    expect(text).toContain('escalated 1x');
  });

  it('shows how many transitions a flapping alert no longer keeps (review 20 #8)', () => {
    const capped = { ...alert, historyOmitted: 398, suppressedOmitted: 5 } as AlertView;
    const text = describeAlert(capped, []).join('\n');
    expect(text).toMatch(
      /opened {8}by Twinlog\n {2}\.\.\. 398 more transitions \(GET \/v1\/twins\/line-1\/events has them\)\n.*acknowledged {2}by key:maria/,
    );
    expect(text).toContain('held back:\n  ... 5 earlier');
  });

  it('says a change from the live stream in one line', () => {
    const line = describeAlertChange({
      id: '1_2',
      type: 'alert-changed',
      data: {
        twinId: 'line-1',
        site: 'plant-a',
        event: 'AlertAssigned',
        eventId: 'e3',
        revision: 3,
        occurredAt: '2026-12-06T10:07:00.000Z',
        recordedAt: '2026-12-06T10:07:00.000Z',
        data: { alertId: 'alr-7', assignee: 'maria', note: null },
      },
    });
    expect(line).toBe('2026-12-06 10:07:00  alr-7            line-1           assigned to maria');
  });
});

describe('twinlog alerts: against an API', () => {
  let server: ReturnType<typeof createServer>;
  let seen: Array<{ method: string; url: string; body: unknown }>;
  let answer: (req: IncomingMessage, res: ServerResponse) => void;
  let lines: string[];
  let ctx: AlertsContext;

  beforeEach(async () => {
    seen = [];
    lines = [];
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          body: text ? JSON.parse(text) : undefined,
        });
        res.setHeader('content-type', 'application/json');
        answer(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ctx = {
      base,
      streamBase: base,
      webhookSecret: 'env-secret',
      cwd: tmpdir(),
      now: () => NOW,
      out: (line) => lines.push(line),
      status: () => undefined,
    };
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it('lists every page of ?status=open', async () => {
    answer = (req, res) =>
      res.end(
        JSON.stringify(
          req.url?.includes('cursor=')
            ? { alerts: [{ ...alert, alertId: 'alr-6' }], next: null }
            : { alerts: [alert], next: 'p2' },
        ),
      );
    expect(await alertsCommand(['--status', 'open'], ctx)).toBe(0);
    expect(seen.map((s) => s.url)).toEqual([
      '/v1/alerts?status=open',
      '/v1/alerts?status=open&cursor=p2',
    ]);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^alr-6 /);
  });

  it('acknowledges with a note, and makes a webhook channel with the secret of the environment', async () => {
    answer = (req, res) => {
      if (req.url === '/v1/alert-channels') {
        res.statusCode = 201;
        res.end(
          JSON.stringify({
            channelId: 'ch-1',
            kind: 'webhook',
            name: 'ops',
            display: 'https://hooks.example',
          }),
        );
      } else res.end(JSON.stringify(alert));
    };
    await alertsCommand(['ack', 'alr-7', '--note', 'on my way'], ctx);
    await alertsCommand(
      ['channel', 'add', 'webhook', 'https://hooks.example/x', '--name', 'ops'],
      ctx,
    );
    expect(seen).toEqual([
      { method: 'POST', url: '/v1/alerts/alr-7/acknowledge', body: { note: 'on my way' } },
      {
        method: 'POST',
        url: '/v1/alert-channels',
        body: {
          kind: 'webhook',
          url: 'https://hooks.example/x',
          secret: 'env-secret',
          name: 'ops',
        },
      },
    ]);
    expect(lines).toEqual([
      'alr-7 is acknowledged: Bearing temperature high on pump-1',
      'ch-1: webhook channel "ops" to https://hooks.example',
    ]);
  });

  it('sets a rule by id with PUT, removes one with DELETE', async () => {
    answer = (req, res) => {
      if (req.method === 'DELETE') {
        res.statusCode = 204;
        res.end();
      } else
        res.end(
          JSON.stringify({
            ruleId: 'night',
            name: 'n',
            match: {
              minSeverity: 'info',
              causes: [],
              twinTypes: [],
              sites: [],
              subtree: null,
              properties: [],
            },
            channels: ['*'],
            quietHours: null,
            escalation: [],
            enabled: true,
          }),
        );
    };
    await alertsCommand(['rule', 'set', '--id', 'night', '--name', 'n', '--channel', '*'], ctx);
    await alertsCommand(['rule', 'rm', 'night'], ctx);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'PUT /v1/alert-rules/night',
      'DELETE /v1/alert-rules/night',
    ]);
    expect(lines.at(-1)).toBe('night removed.');
  });

  it("says the API's refusal: its code, message and each bad field", async () => {
    answer = (_req, res) => {
      res.statusCode = 400;
      res.end(
        JSON.stringify({
          error: {
            code: 'COMMAND_INVALID',
            message: 'The request body is not valid',
            details: { problems: ['note: must be at most 4000 characters'] },
          },
        }),
      );
    };
    await expect(alertsCommand(['resolve', 'alr-7', '--note', 'x'], ctx)).rejects.toThrow(
      /answered 400: COMMAND_INVALID: The request body is not valid\n {2}note: must be at most 4000 characters/,
    );
  });

  it('exits 1 when a channel test did not arrive', async () => {
    answer = (_req, res) => res.end(JSON.stringify({ ok: false, status: 500, error: 'HTTP 500' }));
    expect(await alertsCommand(['channel', 'test', 'ch-1'], ctx)).toBe(1);
    expect(lines).toEqual(['ch-1: NOT delivered (500): HTTP 500']);
  });
});

describe('twinlog alerts --follow with filters (review 20 #10)', () => {
  let server: ReturnType<typeof createServer>;
  const urls: string[] = [];
  const change = (n: number, alertId: string, event: string) =>
    `id: ${n}\nevent: ${event === 'AlertOpened' ? 'alert-opened' : 'alert-changed'}\ndata: ${JSON.stringify(
      {
        twinId: 'line-1',
        site: 'plant-a',
        event,
        eventId: `e-${n}`,
        revision: n,
        occurredAt: '2026-12-06T11:00:00.000Z',
        data: { alertId, severity: 'alarm', title: alertId, note: null, reason: 'by-hand' },
      },
    )}\n\n`;
  const now: Record<string, Partial<AlertView>> = {
    'alr-1': { status: 'acknowledged', severity: 'alarm' },
    'alr-2': { status: 'open', severity: 'alarm' },
    'alr-3': { status: 'resolved', severity: 'alarm' },
    'alr-4': { status: 'open', severity: 'warning' },
    'alr-5': { status: 'open', severity: 'critical' },
  };

  beforeEach(async () => {
    server = createServer((req, res) => {
      urls.push(req.url ?? '');
      if (req.url?.startsWith('/v1/stream')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(
          change(1, 'alr-1', 'AlertAcknowledged') +
            change(2, 'alr-2', 'AlertOpened') +
            change(3, 'alr-3', 'AlertResolved') +
            change(4, 'alr-4', 'AlertOpened') +
            change(5, 'alr-5', 'AlertOpened'),
        );
        return;
      }
      res.setHeader('content-type', 'application/json');
      const one = /^\/v1\/alerts\/([^?]+)$/.exec(req.url ?? '');
      if (one) return res.end(JSON.stringify({ ...alert, alertId: one[1], ...now[one[1]!] }));
      res.end(
        JSON.stringify({ alerts: [{ ...alert, alertId: 'alr-1', status: 'open' }], next: null }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });

  it('prints only changes of alerts that match --status and --min-severity, or were shown, in order', async () => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const lines: string[] = [];
    const stop = new AbortController();
    const ctx: AlertsContext = {
      base,
      streamBase: base,
      webhookSecret: undefined,
      cwd: tmpdir(),
      now: () => NOW,
      out: (line) => {
        lines.push(line);
        if (line.includes('alr-5')) stop.abort();
      },
      status: () => undefined,
      signal: stop.signal,
    };
    await alertsCommand(
      ['--status', 'open', '--min-severity', 'alarm', '--twin', 'line-1-m01', '--follow'],
      ctx,
    );
    const changes = lines.filter((l) => /^2026-12-06 11:00:00/.test(l));
    expect(changes.map((l) => /alr-\d/.exec(l)![0])).toEqual(['alr-1', 'alr-2', 'alr-5']);
    const stream = new URL(
      urls.find((u) => u.startsWith('/v1/stream'))!,
      base,
    );
    expect(stream.searchParams.get('twin')).toBe('line-1-m01');
  });
});
