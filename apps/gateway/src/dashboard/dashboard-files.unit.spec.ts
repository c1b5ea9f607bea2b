import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startOnePortGateway, type OnePortGateway } from '../one-port-gateway';
import { SERVICES, type ServiceName } from '../routes';
import { dashboardFiles } from './dashboard-files';

/** A request with its path sent as written (fetch would resolve `..` before sending). */
function raw(base: string, path: string, method = 'GET', headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      const url = new URL(base);
      const req = request({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const SCRIPT = 'console.log("the overview");'.repeat(20);

describe('the gateway serves the dashboard', () => {
  let dir: string;
  let upstream: Server;
  let upstreamPaths: string[];
  let gateway: OnePortGateway;
  let unbuilt: OnePortGateway;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-dashboard-'));
    mkdirSync(join(dir, 'dashboard', 'assets'), { recursive: true });
    writeFileSync(
      join(dir, 'dashboard', 'index.html'),
      '<!doctype html><title>Twinlog</title><script type="module" src="/assets/main-ABC123.js"></script>',
    );
    writeFileSync(join(dir, 'dashboard', 'assets', 'main-ABC123.js'), SCRIPT);
    writeFileSync(join(dir, 'dashboard', 'assets', 'main-ABC123.css'), 'body{}');
    writeFileSync(join(dir, 'dashboard', 'build-stamp.json'), '{"secret":"not for the web"}');
    writeFileSync(join(dir, 'outside.txt'), 'outside the dashboard');
    upstreamPaths = [];
    upstream = createServer((req, res) => {
      upstreamPaths.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"twins":[]}');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const upstreams = Object.fromEntries(SERVICES.map((s) => [s, url])) as Record<
      ServiceName,
      string
    >;
    gateway = await startOnePortGateway(
      upstreams,
      '127.0.0.1',
      0,
      undefined,
      undefined,
      join(dir, 'dashboard'),
    );
    unbuilt = await startOnePortGateway(
      upstreams,
      '127.0.0.1',
      0,
      undefined,
      undefined,
      join(dir, 'never-built'),
    );
  });

  afterAll(async () => {
    await gateway.close();
    await unbuilt.close();
    upstream.closeAllConnections();
    upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers / with the page: HTML titled Twinlog, revalidated each time, under a strict CSP', async () => {
    const page = await raw(gateway.url, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.body.toString()).toMatch(/<title>[^<]*Twinlog[^<]*<\/title>/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const head = await raw(gateway.url, '/', 'HEAD');
    expect([head.status, head.body.length, head.headers['content-length']]).toEqual([
      200,
      0,
      String(page.body.length),
    ]);
  });

  it('answers the page paths a browser navigates to with the page; a JSON client keeps the 404', async () => {
    for (const path of [
      '/twins/cnc-01',
      '/twins/cnc.01?at=2026-01-01T00:00:00Z',
      '/alerts',
      '/what-if',
    ])
      expect([path, (await raw(gateway.url, path, 'GET', { accept: HTML })).status]).toEqual([
        path,
        200,
      ]);
    const api = await raw(gateway.url, '/nowhere', 'GET', { accept: 'application/json' });
    expect(api.status).toBe(404);
    expect(JSON.parse(api.body.toString()).error.code).toBe('ROUTE_NOT_FOUND');
    expect((await raw(gateway.url, '/', 'POST', { accept: HTML })).status).toBe(404);
  });

  it('serves the hashed assets with their types, cached for good, gzipped when asked', async () => {
    const js = await raw(gateway.url, '/assets/main-ABC123.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body.toString()).toBe(SCRIPT);
    const css = await raw(gateway.url, '/assets/main-ABC123.css?v=1');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const zipped = await raw(gateway.url, '/assets/main-ABC123.js', 'GET', {
      'accept-encoding': 'gzip, br',
    });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(zipped.body).toString()).toBe(SCRIPT);
    const head = await raw(gateway.url, '/assets/main-ABC123.js', 'HEAD');
    expect([head.status, head.body.length, head.headers['content-length']]).toEqual([
      200,
      0,
      String(SCRIPT.length),
    ]);
  });

  it('answers 404 for a missing asset and for any path that would leave the assets directory', async () => {
    for (const path of [
      '/assets/main-MISSING.js',
      '/assets/',
      '/assets/../index.html',
      '/assets/../build-stamp.json',
      '/assets/..%2fbuild-stamp.json',
      '/assets/%2e%2e/%2e%2e/outside.txt',
      '/assets/../../outside.txt',
      '/assets/..\\..\\outside.txt',
      '/assets/sub/main-ABC123.js',
      '/assets/main-ABC123.js%00.png',
      '/assets/__proto__.js',
      '/assets/constructor',
    ]) {
      const answer = await raw(gateway.url, path, 'GET', { accept: HTML });
      expect([path, answer.status]).toEqual([path, 404]);
      expect(answer.body.toString()).not.toMatch(/secret|outside the dashboard/);
    }
    expect((await raw(gateway.url, '/build-stamp.json')).status).toBe(404);
  });

  it('leaves the API, its description, its reference page and the probes as they were', async () => {
    upstreamPaths.length = 0;
    const twins = await raw(gateway.url, '/v1/twins', 'GET', { accept: HTML });
    expect([twins.status, twins.body.toString()]).toEqual([200, '{"twins":[]}']);
    expect(upstreamPaths).toEqual(['/v1/twins']);
    const document = await raw(gateway.url, '/openapi.json');
    expect(JSON.parse(document.body.toString()).openapi).toMatch(/^3\./);
    const docs = await raw(gateway.url, '/docs', 'GET', { accept: HTML });
    expect(docs.body.toString()).toContain('swagger-ui');
    expect(
      JSON.parse((await raw(gateway.url, '/health/live', 'GET', { accept: HTML })).body.toString()),
    ).toEqual({ status: 'up' });
  });

  it('says how to build the dashboard when it was not built, instead of failing', async () => {
    const page = await raw(unbuilt.url, '/');
    expect(page.status).toBe(503);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body.toString()).toMatch(/<title>Twinlog[^<]*<\/title>/);
    expect(page.body.toString()).toContain('npm run build:dashboard');
    expect((await raw(unbuilt.url, '/assets/main-ABC123.js')).status).toBe(404);
    expect((await raw(unbuilt.url, '/v1/twins')).status).toBe(200);
  });
});

describe('the dashboard assets in memory', () => {
  const get = (path: string) => raw(base, path, 'GET', { 'accept-encoding': 'gzip' });
  let dir: string;
  let server: Server;
  let base: string;
  const small = 'export const a = 1;'.repeat(20); // 380 bytes
  const large = 'export const b = 2;'.repeat(100); // 1,900 bytes

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dashboard-assets-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets', 'chunk-SMALL.js'), small);
    writeFileSync(join(dir, 'assets', 'chunk-OTHER.js'), small);
    writeFileSync(join(dir, 'assets', 'chunk-LARGE.js'), large);
    const files = dashboardFiles(dir, { heldMaxBytes: 1000, heldTotalBytes: 800 });
    server = createServer((req, res) => {
      if (!files.answer(req, res)) res.writeHead(599).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams a file above the held size as it is, not gzipped at each request', async () => {
    for (let i = 0; i < 2; i++) {
      const answer = await get('/assets/chunk-LARGE.js');
      expect(answer.status).toBe(200);
      expect(answer.headers['content-encoding']).toBeUndefined();
      expect(answer.headers['content-length']).toBe(String(large.length));
      expect(answer.body.toString()).toBe(large);
    }
  });

  it('reads and gzips a small file once, and drops the oldest held file beyond the total', async () => {
    const first = await get('/assets/chunk-SMALL.js');
    expect(gunzipSync(first.body).toString()).toBe(small);
    unlinkSync(join(dir, 'assets', 'chunk-SMALL.js'));
    const again = await get('/assets/chunk-SMALL.js'); // held: the file is not read again
    expect(gunzipSync(again.body).toString()).toBe(small);
    // Holding a second file goes past 800 bytes (raw and gzipped): the first is let go.
    expect((await get('/assets/chunk-OTHER.js')).status).toBe(200);
    expect((await get('/assets/chunk-SMALL.js')).status).toBe(404);
  });
});
