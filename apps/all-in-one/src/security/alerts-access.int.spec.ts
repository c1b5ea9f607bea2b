import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stampEvents } from '@twinlog/domain';
import { ensureBootstrapKey } from '@twinlog/service-kit';
import { startInProcessTwinlog, type InProcessTwinlog } from '../testing/in-process-twinlog';

// Alerts with authentication on: roles (a viewer reads but cannot acknowledge) and site scopes
// (a key of one site sees and acts on only that site's alerts; another site's is not found).
jest.setTimeout(300_000);

let twinlog: InProcessTwinlog;
let admin: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
type Answer = { status: number; json: any };

async function call(path: string, key: string, method = 'GET', body?: unknown): Promise<Answer> {
  const response = await fetch(`${twinlog.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

async function newKey(role: string, sites: '*' | string[]): Promise<string> {
  const created = await call('/v1/admin/keys', admin, 'POST', { name: `${role} key`, role, sites });
  expect(created.status).toBe(201);
  return created.json.key as string;
}

beforeAll(async () => {
  twinlog = await startInProcessTwinlog({ env: { TWINLOG_AUTH: 'on' } });
  const file = join(mkdtempSync(join(tmpdir(), 'twinlog-keys-')), 'admin.key');
  const bootstrap = await ensureBootstrapKey(twinlog.infra.log.accessKeys, file, true);
  admin = readFileSync(bootstrap.file, 'utf8').trim();
  for (const [twinId, site] of [
    ['alert-mill-a', 'plant-a'],
    ['alert-mill-b', 'plant-b'],
  ] as const) {
    const registered = await call('/v1/twins', admin, 'POST', {
      twinId,
      twinType: 'cnc-milling-machine',
      site,
    });
    expect(registered.status).toBe(201);
    const now = new Date().toISOString();
    await twinlog.infra.log.append(
      stampEvents(
        twinId,
        [
          {
            type: 'AnomalyDetected',
            data: {
              episodeId: `ep-${twinId}`,
              detector: 'range',
              properties: ['spindle_temperature'],
              score: 0.9,
              severity: 'alarm',
              evidence: [],
            },
            occurredAt: now,
          },
        ],
        {
          commandId: `anomaly-${twinId}`,
          correlationId: 'c',
          causationId: null,
          producer: 'anomaly',
          now,
        },
      ),
    );
  }
  for (let i = 0; i < 300; i++) {
    const listed = await call('/v1/alerts', admin);
    if (listed.json?.alerts?.length >= 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
});
afterAll(() => twinlog?.close());

it('needs a credential', async () => {
  const response = await fetch(`${twinlog.url}/v1/alerts`);
  expect(response.status).toBe(401);
});

it('lets a viewer read alerts but not acknowledge one (403 FORBIDDEN)', async () => {
  const viewer = await newKey('viewer', '*');
  const listed = await call('/v1/alerts', viewer);
  expect(listed.status).toBe(200);
  const alertId = listed.json.alerts[0].alertId as string;
  const refused = await call(`/v1/alerts/${alertId}/acknowledge`, viewer, 'POST', {});
  expect(refused.status).toBe(403);
  expect(refused.json.error.code).toBe('FORBIDDEN');
  expect((await call(`/v1/alerts/${alertId}`, viewer)).json.status).toBe('open');
  // Channels are an admin's: an operator is refused too.
  const operator = await newKey('operator', '*');
  const channel = await call('/v1/alert-channels', operator, 'POST', {
    kind: 'slack',
    url: 'https://hooks.slack.example/x',
  });
  expect(channel.status).toBe(403);
});

it("shows a key of one site only that site's alerts, and acts on no other", async () => {
  const all = (await call('/v1/alerts', admin)).json.alerts as Array<{
    alertId: string;
    site: string;
  }>;
  expect(all.map((a) => a.site).sort()).toEqual(['plant-a', 'plant-b']);
  const operatorA = await newKey('operator', ['plant-a']);
  const seen = (await call('/v1/alerts', operatorA)).json.alerts as Array<{ site: string }>;
  expect(seen.map((a) => a.site)).toEqual(['plant-a']);
  const other = all.find((a) => a.site === 'plant-b')!.alertId;
  expect((await call(`/v1/alerts/${other}`, operatorA)).status).toBe(404);
  const refused = await call(`/v1/alerts/${other}/acknowledge`, operatorA, 'POST', {});
  expect(refused.status).toBe(404);
  expect(refused.json.error.code).toBe('ALERT_NOT_FOUND');
  const own = all.find((a) => a.site === 'plant-a')!.alertId;
  const acked = await call(`/v1/alerts/${own}/acknowledge`, operatorA, 'POST', { note: 'mine' });
  expect(acked.status).toBe(200);
  expect(acked.json.acknowledged.by).toMatch(/^key:/);
});
