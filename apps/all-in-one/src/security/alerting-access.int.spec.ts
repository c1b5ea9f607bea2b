import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CURRENT_SCHEMA_VERSION, type NewEvent } from '@twinlog/domain';
import { ensureBootstrapKey } from '@twinlog/service-kit';
import { until } from '@twinlog/testing';
import { startInProcessTwinlog, type InProcessTwinlog } from '../testing/in-process-twinlog';

// Alerts with authentication on, through the gateway: a caller sees and acts on the alerts of
// its sites only (another site's alert is not found), roles gate the commands, and who acted is
// on record (the event's producer, the alert's history).

jest.setTimeout(120_000);

let twinlog: InProcessTwinlog;
let admin: string;

const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });

async function call(
  path: string,
  credential: string,
  init: { method?: string; body?: unknown } = {},
) {
  const res = await fetch(`${twinlog.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...bearer(credential),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}

async function newKey(role: string, sites: string[] | '*'): Promise<{ key: string; id: string }> {
  const created = await call('/v1/admin/keys', admin, {
    method: 'POST',
    body: { name: `${role} key`, role, sites },
  });
  expect(created.status).toBe(201);
  return { key: created.body.key, id: created.body.keyId };
}

function anomaly(twinId: string, episodeId: string): NewEvent {
  const now = new Date().toISOString();
  return {
    id: `${episodeId}/detected`,
    twinId,
    type: 'AnomalyDetected',
    schemaVersion: CURRENT_SCHEMA_VERSION.AnomalyDetected,
    occurredAt: now,
    recordedAt: now,
    correlationId: randomUUID(),
    causationId: null,
    producer: 'anomaly',
    data: {
      episodeId,
      detector: 'limits',
      properties: ['temperature'],
      score: 0.9,
      severity: 'alarm',
      evidence: [{ property: 'temperature', observed: 120, expectedHigh: 65 }],
    },
  } as NewEvent;
}

beforeAll(async () => {
  twinlog = await startInProcessTwinlog({
    env: { TWINLOG_AUTH: 'on', TWINLOG_KEYS_REFRESH_MS: '200' },
  });
  const file = join(mkdtempSync(join(tmpdir(), 'twinlog-keys-')), 'admin.key');
  const bootstrap = await ensureBootstrapKey(twinlog.infra.log.accessKeys, file, true);
  admin = readFileSync(bootstrap.file, 'utf8').trim();
  const commissionedAt = new Date(Date.now() - 86_400_000).toISOString();
  for (const [twinId, site] of [
    ['mill-a', 'plant-a'],
    ['mill-b', 'plant-b'],
  ] as const) {
    const registered = await call('/v1/twins', admin, {
      method: 'POST',
      body: { twinId, twinType: 'cnc-milling-machine', site, commissionedAt },
    });
    expect(registered.status).toBe(201);
  }
  await twinlog.infra.log.append([anomaly('mill-a', 'acc-a'), anomaly('mill-b', 'acc-b')]);
  await until(
    async () => (await call('/v1/alerts', admin)).body?.alerts ?? [],
    (alerts: unknown[]) => alerts.length === 2,
    'both alerts to open',
  );
});
afterAll(async () => twinlog?.close());

it('needs a credential', async () => {
  expect((await fetch(`${twinlog.url}/v1/alerts`)).status).toBe(401);
});

it("shows a site's caller only its sites' alerts; another site's is not found", async () => {
  const viewer = await newKey('viewer', ['plant-a']);
  const listed = await call('/v1/alerts', viewer.key);
  expect(listed.status).toBe(200);
  expect(listed.body.alerts.map((a: { subject: string }) => a.subject)).toEqual(['mill-a']);
  const all = (await call('/v1/alerts', admin)).body.alerts as Array<{
    alertId: string;
    subject: string;
  }>;
  const other = all.find((a) => a.subject === 'mill-b')!;
  const hidden = await call(`/v1/alerts/${other.alertId}`, viewer.key);
  expect(hidden.status).toBe(404);
  expect(hidden.body.error.code).toBe('ALERT_NOT_FOUND');
});

it("lets an operator acknowledge its site's alert, on record with who did it, and no other site's", async () => {
  const all = (await call('/v1/alerts', admin)).body.alerts as Array<{
    alertId: string;
    subject: string;
  }>;
  const mine = all.find((a) => a.subject === 'mill-a')!;
  const other = all.find((a) => a.subject === 'mill-b')!;
  const viewer = await newKey('viewer', ['plant-a']);
  expect(
    (await call(`/v1/alerts/${mine.alertId}/acknowledge`, viewer.key, { method: 'POST', body: {} }))
      .status,
  ).toBe(403);
  const operator = await newKey('operator', ['plant-a']);
  const refused = await call(`/v1/alerts/${other.alertId}/acknowledge`, operator.key, {
    method: 'POST',
    body: {},
  });
  expect(refused.status).toBe(404);
  const acked = await call(`/v1/alerts/${mine.alertId}/acknowledge`, operator.key, {
    method: 'POST',
    body: { note: 'looking' },
  });
  expect(acked.status).toBe(200);
  expect(acked.body.status).toBe('acknowledged');
  expect(acked.body.acknowledged).toMatchObject({ by: `key:${operator.id}`, note: 'looking' });
  const events = await twinlog.infra.log.readStream('mill-a', { streams: ['alerts'] });
  expect(events.find((e) => e.type === 'AlertAcknowledged')?.producer).toBe(
    `alerting/key:${operator.id}`,
  );
});

it("silences only its sites' twins: another site's twin is not found, another site forbidden", async () => {
  const operator = await newKey('operator', ['plant-a']);
  const until = new Date(Date.now() + 3_600_000).toISOString();
  const silence = (who: string, target: Record<string, string>) =>
    call('/v1/silences', who, { method: 'POST', body: { ...target, to: until, reason: 'work' } });
  const hidden = await silence(operator.key, { twinId: 'mill-b' });
  expect([hidden.status, hidden.body.error.code]).toEqual([404, 'TWIN_NOT_FOUND']);
  const forbidden = await silence(operator.key, { site: 'plant-b' });
  expect([forbidden.status, forbidden.body.error.code]).toEqual([403, 'SITE_FORBIDDEN']);
  const mine = await silence(operator.key, { twinId: 'mill-a' });
  expect(mine.status).toBe(201);
  expect((await silence(admin, { twinId: 'mill-b' })).status).toBe(201);
  const listed = await call('/v1/silences', operator.key);
  expect(listed.body.silences.map((s: { twinId: string }) => s.twinId)).toEqual(['mill-a']);
});

it("lets a caller of some sites see and set only its sites' rules; global ones are not found (review 20 #9)", async () => {
  const global = await call('/v1/alert-rules/everything', admin, {
    method: 'PUT',
    body: { name: 'everything', channels: ['*'] },
  });
  expect(global.status).toBe(200);
  const ofB = await call('/v1/alert-rules/plant-b-rule', admin, {
    method: 'PUT',
    body: { name: 'plant b', match: { sites: ['plant-b'] }, channels: ['*'] },
  });
  expect(ofB.status).toBe(200);
  const engineer = await newKey('engineer', ['plant-a']);
  const mine = await call('/v1/alert-rules', engineer.key, {
    method: 'POST',
    body: { name: 'plant a', match: { sites: ['plant-a'] }, channels: ['*'] },
  });
  expect(mine.status).toBe(201);
  const listed = await call('/v1/alert-rules', engineer.key);
  expect(listed.body.rules.map((r: { ruleId: string }) => r.ruleId)).toEqual([mine.body.ruleId]);
  for (const id of ['everything', 'plant-b-rule']) {
    expect([id, (await call(`/v1/alert-rules/${id}`, engineer.key)).status]).toEqual([id, 404]);
    const put = await call(`/v1/alert-rules/${id}`, engineer.key, {
      method: 'PUT',
      body: { name: 'taken over', match: { sites: ['plant-a'] }, channels: ['*'] },
    });
    expect([id, put.status]).toEqual([id, 404]);
    const removed = await call(`/v1/alert-rules/${id}`, engineer.key, { method: 'DELETE' });
    expect([id, removed.status]).toEqual([id, 404]);
  }
  for (const match of [{}, { sites: ['plant-b'] }, { sites: ['plant-a', 'plant-b'] }]) {
    const wide = await call('/v1/alert-rules', engineer.key, {
      method: 'POST',
      body: { name: 'wide', match, channels: ['*'] },
    });
    expect([match, wide.status, wide.body.error.code]).toEqual([match, 403, 'SITE_FORBIDDEN']);
  }
  const viewerOfB = await newKey('viewer', ['plant-b']);
  const seenByB = await call('/v1/alert-rules', viewerOfB.key);
  expect(seenByB.body.rules.map((r: { ruleId: string }) => r.ruleId)).toEqual(['plant-b-rule']);
  expect((await call('/v1/alert-rules/everything', admin)).body.name).toBe('everything');
  expect(
    (await call(`/v1/alert-rules/${mine.body.ruleId}`, engineer.key, { method: 'DELETE' })).status,
  ).toBe(204);
});
