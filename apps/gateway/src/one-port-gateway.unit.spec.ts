import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startOnePortGateway } from './one-port-gateway';
import { SERVICES, type ServiceName } from './routes';

describe('the one-port gateway', () => {
  it('sends a request again when its kept-alive upstream connection was closed under it', async () => {
    // An upstream that drops every connection at its second request, unanswered: what a server
    // closing an idle kept-alive connection, as the gateway reuses it, looks like.
    let served = 0;
    const upstream = createServer((req, res) => {
      const socket = req.socket as typeof req.socket & { requests?: number };
      socket.requests = (socket.requests ?? 0) + 1;
      if (socket.requests > 1) return void socket.destroy();
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        served += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ body }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const gateway = await startOnePortGateway(
      Object.fromEntries(SERVICES.map((s) => [s, url])) as Record<ServiceName, string>,
      '127.0.0.1',
      0,
    );
    try {
      for (const n of [1, 2, 3]) {
        const answer = await fetch(`${gateway.url}/v1/readings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify([{ n }]),
        });
        expect(answer.status).toBe(200);
        expect(await answer.json()).toEqual({ body: JSON.stringify([{ n }]) });
      }
      expect(served).toBe(3);
      // A command is not sent twice on a guess: the client hears 502 and decides.
      const command = await fetch(`${gateway.url}/v1/twins`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ twinId: 'm-1', twinType: 'cnc-milling-machine' }),
      });
      expect(command.status).toBe(502);
      expect(served).toBe(3);
    } finally {
      await gateway.close();
      upstream.closeAllConnections();
      upstream.close();
    }
  });
});

describe('the one-port gateway as a web surface', () => {
  let upstreamCalls = 0;
  // A service as Express would answer without set-up: announcing itself, with its own policy.
  const upstream = createServer((req, res) => {
    upstreamCalls += 1;
    req.resume();
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-powered-by': 'Express',
      'content-security-policy': "default-src 'none'",
    });
    res.end('{}');
  });
  let gateway: Awaited<ReturnType<typeof startOnePortGateway>>;
  beforeAll(async () => {
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    gateway = await startOnePortGateway(
      Object.fromEntries(SERVICES.map((s) => [s, url])) as Record<ServiceName, string>,
      '127.0.0.1',
      0,
    );
  });
  afterAll(async () => {
    await gateway.close();
    upstream.closeAllConnections();
    upstream.close();
  });

  /** A request with headers fetch would not let a test set (Host). */
  function send(method: string, path: string, headers: Record<string, string>) {
    return new Promise<{ status: number; headers: IncomingHttpHeaders; code?: string }>(
      (resolve, reject) => {
        const req = request(`${gateway.url}${path}`, { method, headers }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              code: (JSON.parse(text || '{}') as { error?: { code: string } }).error?.code,
            }),
          );
        });
        req.on('error', reject);
        req.end();
      },
    );
  }

  it('refuses a Host that is not its name (DNS rebinding) before forwarding, but not its probes', async () => {
    const before = upstreamCalls;
    const answer = await send('GET', '/v1/twins', { host: 'rebound.evil.example:8080' });
    expect([answer.status, answer.code]).toEqual([421, 'HOST_NOT_ALLOWED']);
    expect(upstreamCalls).toBe(before);
    expect((await send('GET', '/health/live', { host: '10.1.2.3:8080' })).status).toBe(200);
  });

  it('refuses a cross-site change before forwarding it', async () => {
    const before = upstreamCalls;
    for (const headers of [
      { origin: 'http://evil.example', 'content-type': 'text/plain' } as Record<string, string>,
      { 'sec-fetch-site': 'cross-site' },
    ]) {
      const answer = await send('POST', '/v1/admin/rebuild/x', headers);
      expect([answer.status, answer.code]).toEqual([403, 'CROSS_SITE_REFUSED']);
    }
    expect(upstreamCalls).toBe(before);
    const own = await send('POST', '/v1/admin/rebuild/x', {
      origin: new URL(gateway.url).origin,
      'sec-fetch-site': 'same-origin',
    });
    expect(own.status).toBe(200);
  });

  it('sends security headers on its own answers, keeps the service policy on forwarded ones, and never X-Powered-By', async () => {
    const own = await send('GET', '/nowhere', {});
    expect(own.status).toBe(404);
    expect(own.headers['content-security-policy']).toMatch(
      /default-src 'self'.*frame-ancestors 'none'/,
    );
    expect(own.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
    const forwarded = await send('GET', '/v1/twins', {});
    expect(forwarded.status).toBe(200);
    expect(forwarded.headers['content-security-policy']).toBe("default-src 'none'");
    expect(forwarded.headers['x-content-type-options']).toBe('nosniff');
    for (const answer of [own, forwarded])
      expect(answer.headers).not.toHaveProperty('x-powered-by');
  });
});

describe('the one-port gateway when services are down', () => {
  it('answers its readiness 503 and a forwarded request 502 in the error body', async () => {
    // Nothing listens at this port: every service is down.
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const gateway = await startOnePortGateway(
      Object.fromEntries(SERVICES.map((s) => [s, url])) as Record<ServiceName, string>,
      '127.0.0.1',
      0,
    );
    try {
      const ready = await fetch(`${gateway.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        error: {
          code: 'NOT_READY',
          message: expect.stringContaining('twin-state'),
          details: { ready: false, services: expect.objectContaining({ 'twin-state': 'down' }) },
        },
      });
      const forwarded = await fetch(`${gateway.url}/v1/twins`);
      expect(forwarded.status).toBe(502);
      expect(((await forwarded.json()) as { error: { code: string } }).error.code).toBe(
        'SERVICE_UNAVAILABLE',
      );
    } finally {
      await gateway.close();
    }
  });
});

describe("the one-port gateway's readiness when every service is ready", () => {
  it("passes on each service's own figures (numbers only), as nothing else behind one port can", async () => {
    const upstream = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          req.url === '/health/ready'
            ? { status: 'ready', twins: 3, readingsFolded: 120, note: 'not a figure' }
            : {},
        ),
      );
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const gateway = await startOnePortGateway(
      Object.fromEntries(SERVICES.map((s) => [s, url])) as Record<ServiceName, string>,
      '127.0.0.1',
      0,
    );
    try {
      const ready = await fetch(`${gateway.url}/health/ready`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as {
        ready: boolean;
        services: Record<string, string>;
        figures: Record<string, Record<string, number>>;
      };
      expect(body.ready).toBe(true);
      expect(body.services['twin-state']).toBe('ready');
      expect(body.figures['twin-state']).toEqual({ twins: 3, readingsFolded: 120 });
      expect(Object.keys(body.figures).sort()).toEqual([...SERVICES].sort());
    } finally {
      await gateway.close();
      upstream.closeAllConnections();
      upstream.close();
    }
  });
});
