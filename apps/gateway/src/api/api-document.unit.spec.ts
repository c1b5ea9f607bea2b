import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { routesOf } from '@twinlog/service-kit';
import { startOnePortGateway, type OnePortGateway } from '../one-port-gateway';
import { SERVICES, serviceFor, type ServiceName } from '../routes';
import { gatewayApiDocument, HTTP_APIS, serviceApiDocument } from './api-document';

const document = gatewayApiDocument('test');
type Operation = {
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
  security?: unknown[];
  parameters?: Array<{ $ref?: string; name?: string; in?: string }>;
};
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ path, method, op: op as Operation })),
);

/** @seriousme/openapi-schema-validator is ESM only: run its CLI on the document. */
async function validate(doc: object): Promise<{ valid: boolean; errors?: unknown }> {
  const file = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
  writeFileSync(file, JSON.stringify(doc));
  const cli = require.resolve('@seriousme/openapi-schema-validator/bin/validate-api-cli.js');
  const run = await promisify(execFile)(process.execPath, [cli, file]).catch(
    (error: { stdout: string }) => error,
  );
  return JSON.parse(run.stdout) as { valid: boolean; errors?: unknown };
}

describe("the gateway's OpenAPI document", () => {
  it("is valid OpenAPI 3.1, and so is each service port's", async () => {
    expect(document.openapi).toBe('3.1.1');
    expect(await validate(document)).toEqual({ valid: true });
    expect(await validate(serviceApiDocument('ingestion', 'test'))).toEqual({ valid: true });
  });

  it('a broken document is refused by the validator (the check can fail)', async () => {
    const broken = structuredClone(document) as { paths: Record<string, Record<string, unknown>> };
    broken.paths['/v1/twins']!['get'] = { responses: 'none' };
    expect((await validate(broken)).valid).toBe(false);
  });

  it('describes every HTTP route of every service that the gateway routes to it, and no other', () => {
    const documented = new Set(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`));
    const unrouted: string[] = [];
    for (const service of SERVICES) {
      for (const route of routesOf(HTTP_APIS[service])) {
        const key = `${route.method.toUpperCase()} ${route.path}`;
        const routedTo = serviceFor(
          route.method.toUpperCase(),
          route.path.replace(/\{\w+\}/g, 'x1'),
        );
        if (routedTo === service) expect(documented).toContain(key);
        else unrouted.push(`${service}: ${key} (routed to ${routedTo})`);
      }
    }
    // Maintenance's worker status is reached on its own port; /v1/worker is anomaly's.
    expect(unrouted).toEqual(['maintenance: GET /v1/worker (routed to anomaly)']);
  });

  it('needs a credential everywhere but the probes and its own reference, and shares the error envelope', () => {
    const open = operations.filter((o) => o.op.security?.length === 0).map((o) => o.path);
    expect(open.sort()).toEqual([
      '/docs',
      '/docs/{file}',
      '/health/live',
      '/health/ready',
      '/openapi.json',
    ]);
    expect(document['security']).toEqual([{ apiKey: [] }, { bearerToken: [] }]);
    expect(
      Object.keys((document.components as { securitySchemes: object }).securitySchemes),
    ).toEqual(['apiKey', 'bearerToken']);
    for (const { path, method, op } of operations) {
      const where = `${method} ${path}`;
      if (op.security?.length !== 0) {
        expect([where, op.responses['401']?.$ref]).toEqual([
          where,
          '#/components/responses/Unauthenticated',
        ]);
        expect([where, op.responses['429']?.$ref]).toEqual([
          where,
          '#/components/responses/RateLimited',
        ]);
        expect([where, op.responses['400']?.content?.['application/json']?.schema]).toEqual([
          where,
          { $ref: '#/components/schemas/Error' },
        ]);
      }
      // An answer that is a report, not a refusal: a batch of readings that were all rejected
      // (each with its own error).
      const reports = ['post /v1/readings 422'];
      for (const [status, answer] of Object.entries(op.responses))
        if (/^[45]/.test(status) && !answer.$ref && !reports.includes(`${where} ${status}`))
          expect([where, status, answer.content?.['application/json']?.schema]).toEqual([
            where,
            status,
            { $ref: '#/components/schemas/Error' },
          ]);
    }
  });
});

describe('the convention the document shows (docs/api-conventions.md)', () => {
  const lists = operations.filter(({ op }) =>
    (op.parameters ?? []).some((p) => p.$ref === '#/components/parameters/PageCursor'),
  );

  it('pages every list alike: PageLimit and PageCursor in, PageNext out', () => {
    expect(lists.map((l) => `${l.method} ${l.path}`).sort()).toEqual([
      'get /v1/admin/keys',
      'get /v1/alert-channels',
      'get /v1/alert-deliveries',
      'get /v1/alert-rules',
      'get /v1/alerts',
      'get /v1/dead-letters',
      'get /v1/physics',
      'get /v1/silences',
      'get /v1/simulations',
      'get /v1/twins',
      'get /v1/twins/{id}/maintenance/history',
      'get /v1/twins/{twinId}/events',
    ]);
    for (const { path, op } of lists) {
      expect([
        path,
        op.parameters?.some((p) => p.$ref === '#/components/parameters/PageLimit'),
      ]).toEqual([path, true]);
      expect([path, op.parameters?.some((p) => p.name === 'limit' || p.name === 'cursor')]).toEqual(
        [path, false],
      );
      const answer = op.responses['200']?.content?.['application/json']?.schema as {
        properties?: Record<string, unknown>;
      };
      expect([path, answer.properties?.['next']]).toEqual([
        path,
        { $ref: '#/components/schemas/PageNext' },
      ]);
    }
  });

  it("describes the live stream's resume point: the Last-Event-ID header and the ids' shape", () => {
    const stream = operations.find((o) => o.method === 'get' && o.path === '/v1/stream')!;
    type Parameter = { name: string; in: string; schema: { pattern?: string; maxLength?: number } };
    const parameters = (stream.op.parameters ?? []) as Parameter[];
    const named = (name: string, where: string) =>
      parameters.find((p) => p.name === name && p.in === where);
    for (const [name, where] of [
      ['Last-Event-ID', 'header'],
      ['lastEventId', 'query'],
      ['after', 'query'],
    ] as const) {
      const p = named(name, where);
      expect([name, typeof p?.schema.pattern, p?.schema.maxLength]).toEqual([
        name,
        'string',
        expect.any(Number),
      ]);
      expect(new RegExp(p!.schema.pattern!).test('2f.0.1c_9x1.9wz.a02')).toBe(true);
      expect(new RegExp(p!.schema.pattern!).test('__proto__')).toBe(false);
    }
  });

  it('has the error body, the page parameters and next as shared components', () => {
    const { schemas, parameters } = document.components as {
      schemas: Record<string, { properties?: object }>;
      parameters: Record<string, { name: string; in: string }>;
    };
    expect(Object.keys(schemas['Error']!.properties ?? {})).toEqual(['error']);
    expect(schemas['PageNext']).toMatchObject({ type: ['string', 'null'] });
    expect(parameters['PageLimit']).toMatchObject({ name: 'limit', in: 'query' });
    expect(parameters['PageCursor']).toMatchObject({ name: 'cursor', in: 'query' });
  });
});

describe('/openapi.json and /docs at the gateway', () => {
  let upstream: Server;
  let gateway: OnePortGateway;
  beforeAll(async () => {
    upstream = createServer((_req, res) => res.end('{}'));
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
    upstream.close();
  });

  it('serves the document at the root of the port, without a credential', async () => {
    const answer = await fetch(`${gateway.url}/openapi.json`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    const served = (await answer.json()) as typeof document;
    expect(Object.keys(served.paths)).toEqual(Object.keys(document.paths));
    expect(served.info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('serves the reference page from the installed swagger-ui-dist, under a CSP without inline script', async () => {
    const page = await fetch(`${gateway.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
    expect(scripts.map(([, attributes]) => attributes?.trim())).toEqual([
      'src="/docs/swagger-ui-bundle.js"',
      'src="/docs/twinlog-docs.js"',
    ]);
    expect(scripts.every(([, , inline]) => inline === '')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    for (const [path, type] of [
      ['/docs/swagger-ui-bundle.js', /javascript/],
      ['/docs/swagger-ui.css', /css/],
      ['/docs/twinlog-docs.js', /javascript/],
      ['/docs/favicon-32x32.png', /png/],
    ] as const) {
      const asset = await fetch(`${gateway.url}${path}`);
      expect([path, asset.status]).toEqual([path, 200]);
      expect(asset.headers.get('content-type')).toMatch(type);
      await asset.arrayBuffer();
    }
    expect(await (await fetch(`${gateway.url}/docs/twinlog-docs.js`)).text()).toContain(
      "url: '/openapi.json'",
    );
  });

  it('serves no other file, and only GET and HEAD', async () => {
    for (const path of [
      '/docs/index.html',
      '/docs/../package.json',
      '/docs/%2e%2e/package.json',
      '/docs/swagger-ui.js.map',
      '/docs/__proto__',
      '/docs/constructor',
      '/docs/hasOwnProperty',
    ]) {
      const answer = await fetch(`${gateway.url}${path}`);
      expect([path, answer.status]).toEqual([path, 404]);
      await answer.arrayBuffer();
    }
    const post = await fetch(`${gateway.url}/openapi.json`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
