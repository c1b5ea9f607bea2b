import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDashboardBuilt } from '@twinlog/app-dashboard';
import { ensureBootstrapKey } from '@twinlog/service-kit';
import { startInProcessTwinlog, type InProcessTwinlog } from './testing/in-process-twinlog';

// The dashboard on the gateway's port (docs/dashboard.md), with authentication on as `npm
// start` runs: the page is public, its data is not; GET /v1/whoami tells the page who it is.
jest.setTimeout(300_000);

let t: InProcessTwinlog;
let admin: string;
beforeAll(async () => {
  await ensureDashboardBuilt(() => undefined);
  t = await startInProcessTwinlog({ env: { TWINLOG_AUTH: 'on' } });
  const file = join(mkdtempSync(join(tmpdir(), 'twinlog-keys-')), 'admin.key');
  admin = readFileSync(
    (await ensureBootstrapKey(t.infra.log.accessKeys, file, true)).file,
    'utf8',
  ).trim();
});
afterAll(async () => t?.close());

const withKey = (key: string) => ({ 'x-api-key': key });

describe('the dashboard on the gateway', () => {
  it('answers GET / with its page, titled Twinlog, to anyone, and its scripts as immutable assets', async () => {
    const page = await fetch(`${t.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toMatch(/<title>[^<]*Twinlog[^<]*<\/title>/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const style = /href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1];
    for (const [path, type] of [
      [script, 'text/javascript; charset=utf-8'],
      [style, 'text/css; charset=utf-8'],
    ] as const) {
      const asset = await fetch(`${t.url}${path!}`);
      expect([path, asset.status, asset.headers.get('content-type')]).toEqual([path, 200, type]);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
    const twinPage = await fetch(`${t.url}/twins/cnc-01`, { headers: { accept: 'text/html' } });
    expect([twinPage.status, (await twinPage.text()).includes('<title>Twinlog')]).toEqual([
      200,
      true,
    ]);
  });

  it('keeps the API closed without a credential, and the description, reference and probes as they were', async () => {
    expect((await fetch(`${t.url}/v1/twins`, { headers: { accept: 'text/html' } })).status).toBe(
      401,
    );
    expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${t.url}/docs`)).status).toBe(200);
    const document = (await (await fetch(`${t.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(Object.keys(document.paths['/v1/whoami']?.get?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '401']),
    );
  });
});

describe('GET /v1/whoami', () => {
  it('refuses a caller without a credential', async () => {
    const answer = await fetch(`${t.url}/v1/whoami`);
    expect(answer.status).toBe(401);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it("answers the key's id, role, sites and expiry, as a key or a bearer, never the key itself", async () => {
    const me = await fetch(`${t.url}/v1/whoami`, { headers: withKey(admin) });
    const body = (await me.json()) as Record<string, unknown>;
    expect(me.status).toBe(200);
    expect(body).toEqual({
      id: expect.stringMatching(/^key:/),
      role: 'admin',
      sites: '*',
      expiresAt: null,
    });
    expect(JSON.stringify(body)).not.toContain(admin);

    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await fetch(`${t.url}/v1/admin/keys`, {
      method: 'POST',
      headers: { ...withKey(admin), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'north viewer', role: 'viewer', sites: ['north'], expiresAt }),
    });
    expect(created.status).toBe(201);
    const viewer = ((await created.json()) as { key: string }).key;
    const seen = await fetch(`${t.url}/v1/whoami`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(await seen.json()).toEqual({
      id: expect.stringMatching(/^key:/),
      role: 'viewer',
      sites: ['north'],
      expiresAt,
    });
  });
});

describe('GET /v1/whoami with authentication off', () => {
  let open: InProcessTwinlog;
  beforeAll(async () => {
    open = await startInProcessTwinlog();
  });
  afterAll(async () => open?.close());

  it('answers the anonymous principal: an admin of every site, whose credential never expires', async () => {
    const answer = await fetch(`${open.url}/v1/whoami`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      id: 'anonymous',
      role: 'admin',
      sites: '*',
      expiresAt: null,
    });
  });
});
