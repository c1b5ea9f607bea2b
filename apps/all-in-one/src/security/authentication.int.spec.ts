import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import type { ServiceName } from '@twinlog/app-gateway';
import { ensureBootstrapKey, readServiceConfig } from '@twinlog/service-kit';
import { readAnomalyConfig, startAnomaly } from '@twinlog/app-anomaly';
import { startAllInOne } from '../all-in-one';
import { readAllInOneConfig } from '../config/all-in-one.config';
import { startInProcessTwinlog, type InProcessTwinlog } from '../testing/in-process-twinlog';

// Every service that serves HTTP checks who is calling, whether reached through the gateway or
// directly: API keys (created, revoked, expiring) and people's tokens from an OIDC provider
// (served here by a local JWKS endpoint), roles, and a rate limit per caller.

jest.setTimeout(120_000);

const ISSUER = 'https://login.plant.example/realms/plant';
let jwks: Server;
let signingKey: KeyLike;
let twinlog: InProcessTwinlog;
let admin: string;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
  jwks = createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const env = {
    TWINLOG_AUTH: 'on',
    TWINLOG_OIDC_ISSUER: ISSUER,
    TWINLOG_OIDC_AUDIENCE: 'twinlog',
    TWINLOG_OIDC_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
    TWINLOG_OIDC_CLOCK_SKEW_S: '5',
    TWINLOG_RATE_LIMIT_PER_SECOND: '5',
    TWINLOG_RATE_LIMIT_BURST: '40',
    TWINLOG_KEYS_REFRESH_MS: '200',
  };
  twinlog = await startInProcessTwinlog({ env });
  const file = join(mkdtempSync(join(tmpdir(), 'twinlog-keys-')), 'admin.key');
  const bootstrap = await ensureBootstrapKey(twinlog.infra.log.accessKeys, file, true);
  admin = readFileSync(bootstrap.file, 'utf8').trim();
});
afterAll(async () => {
  await twinlog?.close();
  await new Promise((resolve) => jwks?.close(resolve));
});

const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });

async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
) {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined
      ? {}
      : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: (text ? JSON.parse(text) : undefined) as Record<string, any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  };
}

async function newKey(role: string, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await call(`${twinlog.url}/v1/admin/keys`, {
    method: 'POST',
    headers: bearer(admin),
    body: { name: `${role} key`, role, sites: '*', ...extra },
  });
  expect(created.status).toBe(201);
  return created.body['key'] as string;
}

async function token(
  claims: Record<string, unknown>,
  options: { issuer?: string; exp?: number } = {},
) {
  return new SignJWT({ twinlog_sites: '*', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setSubject('alice')
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience('twinlog')
    .setExpirationTime(options.exp ?? '5m')
    .sign(signingKey);
}

/** One route per service that only its own service answers, read (viewer) and write. */
const READS: Array<[ServiceName, string]> = [
  ['twin-state', '/v1/twins'],
  ['ingestion', '/v1/dead-letters'],
  ['anomaly', '/v1/worker'],
  ['maintenance', '/v1/worker'],
  ['simulation', '/v1/physics'],
  ['alerting', '/v1/alerts'],
];
const WRITES: Array<[ServiceName, string, string]> = [
  ['twin-state', '/v1/twins', 'engineer'],
  ['twin-state', '/v1/admin/rebuild/cnc-01', 'admin'],
  ['ingestion', '/v1/readings', 'operator'],
  ['ingestion', '/v1/dead-letters/replay', 'engineer'],
  ['simulation', '/v1/simulations', 'operator'],
  ['alerting', '/v1/alert-channels', 'admin'],
  ['alerting', '/v1/alert-rules', 'engineer'],
  ['alerting', '/v1/silences', 'operator'],
];

describe('authentication in every service', () => {
  it.each(READS)(
    '%s %s: 401 without a credential, with a challenge; probes stay open',
    async (service, path) => {
      const base = twinlog.services[service];
      const refused = await call(`${base}${path}`);
      expect(refused.status).toBe(401);
      expect(refused.body['error']).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await call(`${base}/health/live`)).status).toBe(200);
      expect((await call(`${base}${path}`, { headers: bearer(admin) })).status).toBe(200);
    },
  );

  it('refuses a malformed key, an unknown key and a key with a wrong secret alike', async () => {
    const good = await newKey('viewer');
    const wrongSecret = `${good.slice(0, -4)}AAAA`;
    for (const credential of ['nonsense', `twl_${'0'.repeat(16)}_${'A'.repeat(43)}`, wrongSecret]) {
      const answer = await call(`${twinlog.services['twin-state']}/v1/twins`, {
        headers: bearer(credential),
      });
      expect([credential, answer.status]).toEqual([credential, 401]);
    }
    // The key itself also works in X-Api-Key.
    expect((await call(`${twinlog.url}/v1/twins`, { headers: { 'x-api-key': good } })).status).toBe(
      200,
    );
  });

  it('a revoked key is refused by every service, and an expired one once it has expired', async () => {
    const key = await newKey('engineer');
    const keyId = /^twl_([a-f0-9]{16})_/.exec(key)![1]!;
    expect((await call(`${twinlog.url}/v1/twins`, { headers: bearer(key) })).status).toBe(200);
    const revoked = await call(`${twinlog.url}/v1/admin/keys/${keyId}`, {
      method: 'DELETE',
      headers: bearer(admin),
    });
    expect(revoked.body).toMatchObject({ keyId, revokedBy: expect.stringMatching(/^key:/) });
    await new Promise((r) => setTimeout(r, 400)); // the other services' refresh (200 ms here)
    for (const [service, path] of READS)
      expect([
        service,
        (await call(`${twinlog.services[service]}${path}`, { headers: bearer(key) })).status,
      ]).toEqual([service, 401]);

    const soon = await newKey('viewer', { expiresAt: new Date(Date.now() + 1_500).toISOString() });
    expect((await call(`${twinlog.url}/v1/twins`, { headers: bearer(soon) })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_600));
    expect((await call(`${twinlog.url}/v1/twins`, { headers: bearer(soon) })).status).toBe(401);
  });

  it.each(WRITES)(
    '%s %s needs %s: 403 below it, through the gateway and directly',
    async (service, path, role) => {
      const below = role === 'admin' ? 'engineer' : role === 'engineer' ? 'operator' : 'viewer';
      const weak = await newKey(below);
      const strong = await newKey(role);
      for (const base of [twinlog.url, twinlog.services[service]]) {
        const refused = await call(`${base}${path}`, {
          method: 'POST',
          headers: bearer(weak),
          body: {},
        });
        expect([base, refused.status, refused.body['error']?.code]).toEqual([
          base,
          403,
          'FORBIDDEN',
        ]);
        // With the role, the request gets past authentication (its body may still be wrong).
        const allowed = await call(`${base}${path}`, {
          method: 'POST',
          headers: bearer(strong),
          body: {},
        });
        expect([base, allowed.status]).not.toEqual([base, 403]);
        expect(allowed.status).not.toBe(401);
      }
    },
  );

  it('people: a valid token acts with its role; an expired one or another issuer is 401', async () => {
    const viewer = await token({ twinlog_role: 'viewer' });
    expect((await call(`${twinlog.url}/v1/twins`, { headers: bearer(viewer) })).status).toBe(200);
    const write = await call(`${twinlog.url}/v1/twins`, {
      method: 'POST',
      headers: bearer(viewer),
      body: {},
    });
    expect(write.status).toBe(403);
    const expired = await token(
      { twinlog_role: 'admin' },
      { exp: Math.floor(Date.now() / 1000) - 60 },
    );
    const foreign = await token({ twinlog_role: 'admin' }, { issuer: 'https://evil.example' });
    for (const bad of [expired, foreign]) {
      expect((await call(`${twinlog.url}/v1/twins`, { headers: bearer(bad) })).status).toBe(401);
    }
  });

  it('attributes a write to the key that made it, whatever the request claims', async () => {
    const engineer = await newKey('engineer');
    const keyId = /^twl_([a-f0-9]{16})_/.exec(engineer)![1]!;
    const registered = await call(`${twinlog.url}/v1/twins`, {
      method: 'POST',
      headers: { ...bearer(engineer), 'x-actor': 'somebody-else' },
      body: { twinId: 'audited-mill', twinType: 'cnc-milling-machine', site: 'plant-a' },
    });
    expect(registered.status).toBe(201);
    const trail = await call(`${twinlog.url}/v1/twins/audited-mill/events`, {
      headers: bearer(admin),
    });
    expect(trail.body['events'][0]).toMatchObject({
      type: 'TwinRegistered',
      producer: `twin-state/key:${keyId}`,
      actor: `key:${keyId}`,
    });
  });

  it('429 with Retry-After once a caller exceeds its rate; others are not held back', async () => {
    const busy = await newKey('viewer');
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++)
      statuses.push(
        (await call(`${twinlog.services['twin-state']}/v1/twins`, { headers: bearer(busy) }))
          .status,
      );
    expect(statuses).toContain(429);
    const limited = await call(`${twinlog.services['twin-state']}/v1/twins`, {
      headers: bearer(busy),
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(
      (await call(`${twinlog.services['twin-state']}/v1/twins`, { headers: bearer(admin) })).status,
    ).toBe(200);
  });

  it('keys are listed without their secrets; a bad key request is a clear 400', async () => {
    const { body } = await call(`${twinlog.url}/v1/admin/keys`, { headers: bearer(admin) });
    expect(body['keys'].length).toBeGreaterThan(1);
    for (const key of body['keys']) {
      expect(key).not.toHaveProperty('secretHash');
      expect(key).not.toHaveProperty('key');
    }
    for (const bad of [
      { name: 'x', role: 'root', sites: '*' },
      { name: 'x', role: 'viewer', sites: [] },
      { name: 'x', role: 'viewer', sites: '*', expiresAt: '2026-02-30T00:00:00Z' },
      '{"name":"x","role":"viewer","sites":"*","__proto__":{"role":"admin"}}',
    ]) {
      const answer = await call(`${twinlog.url}/v1/admin/keys`, {
        method: 'POST',
        headers: bearer(admin),
        body: bad,
      });
      expect([bad, answer.status]).toEqual([bad, 400]);
    }
  });
});

describe('site scopes', () => {
  let plantA: { viewer: string; engineer: string; operator: string };
  beforeAll(async () => {
    for (const [twinId, site] of [
      ['mill-a', 'plant-a'],
      ['mill-b', 'plant-b'],
    ] as const) {
      const registered = await call(`${twinlog.url}/v1/twins`, {
        method: 'POST',
        headers: bearer(admin),
        body: { twinId, twinType: 'cnc-milling-machine', site },
      });
      expect(registered.status).toBe(201);
    }
    const scoped = (role: string) => newKey(role, { sites: ['plant-a'] });
    plantA = {
      viewer: await scoped('viewer'),
      engineer: await scoped('engineer'),
      operator: await scoped('operator'),
    };
  });

  it("lists and reads only its sites; another site's twin is not found, in every reading route", async () => {
    const list = await call(`${twinlog.url}/v1/twins`, { headers: bearer(plantA.viewer) });
    const ids = (list.body['twins'] as Array<{ twinId: string }>).map((t) => t.twinId);
    expect(ids).toContain('mill-a');
    expect(ids).not.toContain('mill-b');
    const now = new Date().toISOString();
    for (const path of [
      '/v1/twins/mill-b',
      '/v1/twins/mill-b/rollup',
      `/v1/twins/mill-b/history?at=${now}`,
      '/v1/twins/mill-b/events',
      '/v1/twins/mill-b/maintenance',
    ]) {
      const answer = await call(`${twinlog.url}${path}`, { headers: bearer(plantA.viewer) });
      expect([path, answer.status]).toEqual([path, 404]);
    }
    expect(
      (await call(`${twinlog.url}/v1/twins/mill-a`, { headers: bearer(plantA.viewer) })).status,
    ).toBe(200);
  });

  it('pages through only its sites: every page full, no twin of another site in any', async () => {
    for (const twinId of ['mill-a2', 'mill-a3'])
      expect(
        (
          await call(`${twinlog.url}/v1/twins`, {
            method: 'POST',
            headers: bearer(admin),
            body: { twinId, twinType: 'cnc-milling-machine', site: 'plant-a' },
          })
        ).status,
      ).toBe(201);
    const pages: string[][] = [];
    let next: string | null = null;
    do {
      const page = await call(
        `${twinlog.url}/v1/twins?limit=1${next === null ? '' : `&cursor=${next}`}`,
        { headers: bearer(plantA.viewer) },
      );
      expect(page.status).toBe(200);
      pages.push((page.body['twins'] as Array<{ twinId: string }>).map((t) => t.twinId));
      next = page.body['next'] as string | null;
    } while (next !== null && pages.length < 20);
    // mill-b (plant-b) is left out before paging: no page is short or empty for it.
    expect(pages.every((p) => p.length === 1)).toBe(true);
    const ids = pages.flat();
    expect(ids).toEqual(expect.arrayContaining(['mill-a', 'mill-a2', 'mill-a3']));
    expect(ids).not.toContain('mill-b');
    expect([...new Set(ids)].sort()).toEqual(ids);
  });

  it("acts only on its sites: registering elsewhere is 403, another site's twin is not found", async () => {
    const elsewhere = await call(`${twinlog.url}/v1/twins`, {
      method: 'POST',
      headers: bearer(plantA.engineer),
      body: { twinId: 'mill-b2', twinType: 'cnc-milling-machine', site: 'plant-b' },
    });
    expect([elsewhere.status, elsewhere.body['error']?.code]).toEqual([403, 'SITE_FORBIDDEN']);
    const retire = await call(`${twinlog.url}/v1/twins/mill-b/retire`, {
      method: 'POST',
      headers: bearer(plantA.engineer),
      body: { reason: 'moved to plant A' },
    });
    expect(retire.status).toBe(404);
    // ...exactly as a twin that does not exist: nothing tells the two apart.
    const none = await call(`${twinlog.url}/v1/twins/no-such-mill/retire`, {
      method: 'POST',
      headers: bearer(plantA.engineer),
      body: { reason: 'moved to plant A' },
    });
    expect([none.status, none.body['error']?.code]).toEqual([404, retire.body['error']?.code]);
    const run = await call(`${twinlog.url}/v1/simulations`, {
      method: 'POST',
      headers: bearer(plantA.operator),
      body: { twinId: 'mill-b', horizon: '1h', step: '1m' },
    });
    expect(run.status).toBe(404);
  });

  it('an admin of some sites cannot make keys or rebuild: those span every site', async () => {
    const scopedAdmin = await newKey('admin', { sites: ['plant-a'] });
    const escalate = await call(`${twinlog.url}/v1/admin/keys`, {
      method: 'POST',
      headers: bearer(scopedAdmin),
      body: { name: 'mine', role: 'admin', sites: '*' },
    });
    expect([escalate.status, escalate.body['error']?.code]).toEqual([403, 'SITE_FORBIDDEN']);
    const rebuild = await call(`${twinlog.url}/v1/admin/rebuild/mill-a`, {
      method: 'POST',
      headers: bearer(scopedAdmin),
    });
    expect(rebuild.status).toBe(403);
  });

  it('history, diff and the audit trail leave out a child of another site', async () => {
    const registered = await call(`${twinlog.url}/v1/twins`, {
      method: 'POST',
      headers: bearer(admin),
      body: {
        twinId: 'spindle-b',
        twinType: 'spindle-motor',
        site: 'plant-b',
        parentId: 'mill-a',
      },
    });
    expect(registered.status).toBe(201);
    const now = new Date(Date.now() + 1_000).toISOString();
    const as = bearer(plantA.viewer);
    const history = await call(`${twinlog.url}/v1/twins/mill-a/history?at=${now}`, { headers: as });
    expect(JSON.stringify(history.body)).not.toContain('spindle-b');
    const subtree = await call(`${twinlog.url}/v1/twins/mill-a/history?at=${now}&subtree=true`, {
      headers: as,
    });
    expect(JSON.stringify(subtree.body)).not.toContain('spindle-b');
    const events = await call(`${twinlog.url}/v1/twins/mill-a/events`, { headers: as });
    expect(JSON.stringify(events.body)).not.toContain('spindle-b');
    const diff = await call(
      `${twinlog.url}/v1/twins/mill-a/diff?from=2020-01-01T00:00:00Z&to=${now}`,
      { headers: as },
    );
    expect(JSON.stringify(diff.body)).not.toContain('spindle-b');
    // The admin of every site sees it.
    const all = await call(`${twinlog.url}/v1/twins/mill-a/events`, { headers: bearer(admin) });
    expect(JSON.stringify(all.body)).toContain('spindle-b');
  });

  it('a plant gateway key writes readings of its own site only; dead letters need every site', async () => {
    const at = new Date().toISOString();
    const sent = await call(`${twinlog.url}/v1/readings`, {
      method: 'POST',
      headers: bearer(plantA.operator),
      body: {
        readings: [
          { twinId: 'mill-a', property: 'temperature', value: 40, time: at },
          { twinId: 'mill-b', property: 'temperature', value: 40, time: at },
        ],
      },
    });
    expect(sent.status).toBe(207);
    const results = sent.body['results'] as Array<{ status: string; error?: { code: string } }>;
    expect(results[0]!.status).toBe('accepted');
    expect(results[1]).toMatchObject({ status: 'rejected', error: { code: 'TWIN_NOT_FOUND' } });
    const letters = await call(`${twinlog.url}/v1/dead-letters`, {
      headers: bearer(plantA.operator),
    });
    expect([letters.status, letters.body['error']?.code]).toEqual([403, 'SITE_FORBIDDEN']);
  });
});

describe('TWINLOG_AUTH=off', () => {
  it("is refused when npm start's one port listens beyond loopback", async () => {
    const env = {
      TWINLOG_MODE: 'embedded',
      TWINLOG_AUTH: 'off',
      TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'twinlog-off-')),
      TWINLOG_HTTP_HOST: '0.0.0.0',
      TWINLOG_HTTP_PORT: '0',
      TWINLOG_SIMULATOR: 'off',
    };
    await expect(
      startAllInOne(
        readAllInOneConfig(env),
        env,
        () => false as never,
        () => undefined,
      ),
    ).rejects.toThrow('it is allowed only on loopback, not on 0.0.0.0');
  });

  it('is refused on anything but loopback', async () => {
    const env = {
      TWINLOG_MODE: 'embedded',
      TWINLOG_AUTH: 'off',
      TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'twinlog-off-')),
      ANOMALY_HTTP_HOST: '0.0.0.0',
      ANOMALY_HTTP_PORT: '0',
    };
    const config = readAnomalyConfig(env);
    expect(readServiceConfig(env).auth.enabled).toBe(false);
    await expect(startAnomaly(config, twinlog.infra, false)).rejects.toThrow(
      'TWINLOG_AUTH=off lets anyone who reaches the port act as an admin: it is allowed only on loopback, not on 0.0.0.0',
    );
  });
});
