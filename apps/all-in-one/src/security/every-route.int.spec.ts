import type { INestApplication } from '@nestjs/common';
import { gatewayApiDocument, SERVICES } from '@twinlog/app-gateway';
import { httpRoutesOf } from '../testing/http-routes';
import { startInProcessTwinlog, type InProcessTwinlog } from '../testing/in-process-twinlog';

// Not one route of any service answers without a credential, but the two probes: every route
// each service has is listed from the service itself, so a route added later is covered too.
// At the gateway, the API's description and its reference page answer without one as well
// (SECURITY.md): they hold no plant data.

jest.setTimeout(120_000);

let twinlog: InProcessTwinlog;
beforeAll(async () => {
  twinlog = await startInProcessTwinlog({ env: { TWINLOG_AUTH: 'on' } });
});
afterAll(() => twinlog?.close());

/** Every HTTP route of a service, with a value a route accepts for each path parameter. */
function routesOf(app: INestApplication): Array<{ method: string; path: string }> {
  return httpRoutesOf(app).map(({ method, path }) => ({
    method,
    path: path.replace(/:(\w+)/g, 'x1'),
  }));
}

describe('every route of every service', () => {
  it.each(SERVICES)(
    '%s: 401 without a credential on every route but the probes',
    async (service) => {
      const routes = routesOf(twinlog.apps[service]);
      expect(routes.length).toBeGreaterThan(2);
      const open: string[] = [];
      for (const { method, path } of routes) {
        const res = await fetch(`${twinlog.services[service]}${path}`, {
          method,
          ...(method === 'GET' || method === 'HEAD'
            ? {}
            : { headers: { 'content-type': 'application/json' }, body: '{}' }),
        });
        await res.arrayBuffer();
        const probe = path === '/health/live' || path === '/health/ready';
        if (probe ? res.status === 401 : res.status !== 401)
          open.push(`${method} ${path}: ${res.status}`);
      }
      expect(open).toEqual([]);
    },
  );
});

describe('every route the OpenAPI document describes, at the gateway', () => {
  it('answers 401 without a credential, but for the routes it says are public', async () => {
    const document = gatewayApiDocument('test');
    const wrong: string[] = [];
    let public_ = 0;
    for (const [template, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const open = (operation as { security?: unknown[] }).security?.length === 0;
        const path =
          template === '/docs/{file}' ? '/docs/swagger-ui.css' : template.replace(/\{\w+\}/g, 'x1');
        const verb = method.toUpperCase();
        const res = await fetch(`${twinlog.url}${path}`, {
          method: verb,
          ...(verb === 'GET'
            ? {}
            : { headers: { 'content-type': 'application/json' }, body: '{}' }),
        });
        await res.arrayBuffer();
        if (open) public_ += 1;
        if (open ? res.status !== 200 : res.status !== 401)
          wrong.push(`${verb} ${path}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
    // The probes, the document, the page and its files.
    expect(public_).toBe(5);
  });
});
