import { mkdtempSync, readFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import type { ServiceName } from '@twinlog/app-gateway';
import { startAllInOne } from './all-in-one';
import { readAllInOneConfig } from './config/all-in-one.config';
import { startInProcessTwinlog, type InProcessTwinlog } from './testing/in-process-twinlog';

// Issue 18, the web surface, against the real services and gateway: a page of another site
// must not reach Twinlog through a name of its own (DNS rebinding) nor make a browser change
// anything; every answer carries security headers and none says what runs it
// (docs/running.md#every-http-api-the-web-surface).
jest.setTimeout(300_000);

let t: InProcessTwinlog;
beforeAll(async () => {
  t = await startInProcessTwinlog();
});
afterAll(async () => t?.close());

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  code: string | undefined;
}

/** node:http, not fetch: a test must set Host and Origin as a browser page would send them. */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        let code: string | undefined;
        try {
          code = (JSON.parse(text) as { error?: { code: string } }).error?.code;
        } catch {
          code = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, code });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const registration = (twinId: string) =>
  JSON.stringify({ twinId, twinType: 'cnc-milling-machine', commissionedAt: hourAgo() });
const json = { 'content-type': 'application/json' };

/** The gateway and each service behind it, each reached directly. */
const surfaces = (): Array<[string, string]> => [
  ['the gateway', t.url],
  ...(Object.entries(t.services) as Array<[ServiceName, string]>),
];

describe('a Host that is not one of its names (DNS rebinding)', () => {
  it('is refused 421 HOST_NOT_ALLOWED by the gateway and by every service reached directly', async () => {
    for (const [name, base] of surfaces()) {
      const port = new URL(base).port;
      const answer = await send(base, 'GET', '/v1/twins', { host: `rebound.evil.example:${port}` });
      expect([name, answer.status, answer.code]).toEqual([name, 421, 'HOST_NOT_ALLOWED']);
    }
  });

  it('changes nothing: a rebound registration records no twin', async () => {
    const answer = await send(
      t.url,
      'POST',
      '/v1/twins',
      { ...json, host: 'rebound.evil.example' },
      registration('rebound-1'),
    );
    expect([answer.status, answer.code]).toEqual([421, 'HOST_NOT_ALLOWED']);
    expect((await send(t.url, 'GET', '/v1/twins/rebound-1')).status).toBe(404);
  });

  it('leaves the probes answering any Host (the kubelet sends the pod IP)', async () => {
    for (const [name, base] of surfaces()) {
      const answer = await send(base, 'GET', '/health/live', { host: '10.1.2.3:8080' });
      expect([name, answer.status]).toEqual([name, 200]);
    }
  });
});

describe('a state change sent by a page of another site', () => {
  beforeAll(async () => {
    const registered = await send(t.url, 'POST', '/v1/twins', json, registration('victim'));
    expect(registered.status).toBe(201);
  });

  // What a <form> or fetch(no-cors) of another site makes a browser send: an empty text/plain
  // POST, which used to run (jsonBodiesOnly only looked at requests with a body).
  const crossSite = {
    'content-type': 'text/plain',
    'content-length': '0',
    origin: 'http://evil.example',
    'sec-fetch-site': 'cross-site',
  };

  it.each([
    ['the gateway', () => t.url],
    ['twin-state directly', () => t.services['twin-state']],
  ])('an empty text/plain rebuild is refused by %s', async (_where, base) => {
    const answer = await send(base(), 'POST', '/v1/admin/rebuild/victim', crossSite);
    expect([answer.status, answer.code]).toEqual([403, 'CROSS_SITE_REFUSED']);
  });

  it('an empty text/plain rebuild without Origin (an old browser, a plug-in) is refused 415', async () => {
    const { origin: _o, 'sec-fetch-site': _s, ...noOrigin } = crossSite;
    for (const base of [t.url, t.services['twin-state']]) {
      const answer = await send(base, 'POST', '/v1/admin/rebuild/victim', noOrigin);
      expect([answer.status, answer.code]).toEqual([415, 'CONTENT_TYPE_UNSUPPORTED']);
    }
  });

  it.each([
    [
      'a retire from another Origin',
      'POST',
      '/v1/twins/victim/retire',
      { origin: 'http://evil.example' },
    ],
    [
      'a retire marked cross-site',
      'POST',
      '/v1/twins/victim/retire',
      { 'sec-fetch-site': 'cross-site' },
    ],
    [
      'a retire from another port (same-site)',
      'POST',
      '/v1/twins/victim/retire',
      { 'sec-fetch-site': 'same-site' },
    ],
    ['a retire from a sandboxed page', 'POST', '/v1/twins/victim/retire', { origin: 'null' }],
    ['readings from another Origin', 'POST', '/v1/readings', { origin: 'http://evil.example' }],
    [
      'a simulation from another Origin',
      'POST',
      '/v1/simulations',
      { origin: 'http://evil.example' },
    ],
  ])('%s is refused 403 and changes nothing', async (_label, method, path, headers) => {
    const answer = await send(t.url, method, path, { ...json, ...headers }, '{"reason":"csrf"}');
    expect([answer.status, answer.code]).toEqual([403, 'CROSS_SITE_REFUSED']);
    const victim = await send(t.url, 'GET', '/v1/twins/victim');
    expect(victim.status).toBe(200);
  });

  it('a same-origin JSON change from the page of the gateway itself still works', async () => {
    const answer = await send(
      t.url,
      'POST',
      '/v1/twins',
      { ...json, origin: new URL(t.url).origin, 'sec-fetch-site': 'same-origin' },
      registration('same-origin-1'),
    );
    expect(answer.status).toBe(201);
    const rebuilt = await send(t.url, 'POST', '/v1/admin/rebuild/same-origin-1', {
      origin: new URL(t.url).origin,
    });
    expect(rebuilt.status).toBe(201);
  });
});

describe('answers', () => {
  it('carry security headers and no X-Powered-By, from the gateway and from every service', async () => {
    for (const [name, base] of surfaces()) {
      for (const path of ['/v1/twins', '/health/ready', '/v1/nowhere', '/nowhere']) {
        const { headers } = await send(base, 'GET', path);
        expect([name, path, headers['x-powered-by']]).toEqual([name, path, undefined]);
        expect([name, path, headers['x-content-type-options']]).toEqual([name, path, 'nosniff']);
        expect([name, path, headers['x-frame-options']]).toEqual([name, path, 'DENY']);
        expect([name, path, headers['content-security-policy']]).toEqual([
          name,
          path,
          expect.stringContaining("frame-ancestors 'none'"),
        ]);
      }
    }
  });

  it("keep a service's JSON-API policy through the gateway", async () => {
    const { headers } = await send(t.url, 'GET', '/v1/twins');
    expect(headers['content-security-policy']).toMatch(/^default-src 'none'/);
    // Not under /v1: the gateway answers it itself.
    const own = await send(t.url, 'GET', '/nowhere');
    expect(own.status).toBe(404);
    expect(own.headers['content-security-policy']).toMatch(/^default-src 'self'/);
  });
});

describe('the all-in-one bound to a name of its own', () => {
  it("lets the services behind its gateway accept that name as a browser's Origin", async () => {
    const silent: LoggerService = {
      log: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    };
    const dataDir = mkdtempSync(join(tmpdir(), 'twinlog-web-'));
    const env = {
      TWINLOG_MODE: 'embedded',
      TWINLOG_DATA_DIR: dataDir,
      // Another loopback address: a name the services, bound to 127.0.0.1, would not know.
      TWINLOG_HTTP_HOST: '127.0.0.2',
      TWINLOG_HTTP_PORT: '0',
      TWINLOG_SIMULATOR: 'off',
    };
    const running = await startAllInOne(
      readAllInOneConfig(env),
      env,
      () => silent,
      () => undefined,
    );
    try {
      const origin = new URL(running.url).origin;
      expect(origin).toMatch(/^http:\/\/127\.0\.0\.2:/);
      const answer = await send(
        running.url,
        'POST',
        '/v1/twins',
        {
          ...json,
          origin,
          'sec-fetch-site': 'same-origin',
          // The admin key the all-in-one made on its first start.
          authorization: `Bearer ${readFileSync(join(dataDir, 'admin.key'), 'utf8').trim()}`,
        },
        registration('named-1'),
      );
      expect(answer.status).toBe(201);
    } finally {
      await running.close();
    }
  });
});
