import type { INestApplication } from '@nestjs/common';
import { SERVICES } from '@twinlog/app-gateway';
import { startInProcessTwinlog, type InProcessTwinlog } from '../testing/in-process-twinlog';

// Not one route of any service answers without a credential, but the two probes: every route
// each service has is listed from the service itself, so a route added later is covered too.

jest.setTimeout(120_000);

let twinlog: InProcessTwinlog;
beforeAll(async () => {
  twinlog = await startInProcessTwinlog({ env: { TWINLOG_AUTH: 'on' } });
});
afterAll(() => twinlog?.close());

/** Method and path of every HTTP route of a Nest app (Express 5's router). */
function routesOf(app: INestApplication): Array<{ method: string; path: string }> {
  const express = app.getHttpAdapter().getInstance() as {
    router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
  };
  return express.router.stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods).map((method) => ({
          method: method.toUpperCase(),
          // Path parameters get a value a route accepts.
          path: layer.route!.path.replace(/:(\w+)/g, 'x1'),
        }))
      : [],
  );
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
