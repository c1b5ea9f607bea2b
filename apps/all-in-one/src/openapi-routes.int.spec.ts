import { gatewayApiDocument, SERVICES, serviceApiDocument } from '@twinlog/app-gateway';
import { startInProcessTwinlog, type InProcessTwinlog } from './testing/in-process-twinlog';
import { httpRoutesOf } from './testing/http-routes';

// The OpenAPI document against what answers: every route each service's router has is
// described (on the service's port, and at the gateway unless the gateway routes its path to
// another service), and every route the gateway's document names answers, none a 404 for want
// of a route. Each answer here is also checked against the document (the int setup).

jest.setTimeout(120_000);

let twinlog: InProcessTwinlog;
beforeAll(async () => {
  twinlog = await startInProcessTwinlog();
});
afterAll(() => twinlog?.close());

const operationsOf = (document: { paths: Record<string, object> }) =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );

describe('the OpenAPI document and the routes that answer', () => {
  it.each(SERVICES)("%s: its router's routes are exactly its port's document", (service) => {
    const routed = httpRoutesOf(twinlog.apps[service]).map(
      ({ method, path }) => `${method} ${path.replace(/:(\w+)/g, '{$1}')}`,
    );
    expect(routed.sort()).toEqual(operationsOf(serviceApiDocument(service, 'test')).sort());
  });

  it('describes at the gateway every service route the gateway reaches', async () => {
    const described = new Set(operationsOf(gatewayApiDocument('test')));
    const missing: string[] = [];
    for (const service of SERVICES) {
      for (const { method, path } of httpRoutesOf(twinlog.apps[service])) {
        if (path.startsWith('/health/')) continue;
        const key = `${method} ${path.replace(/:(\w+)/g, '{$1}')}`;
        if (described.has(key)) continue;
        // A path the gateway sends to another service (maintenance's own /v1/worker) is not
        // this service's at the gateway: the answer comes from the other one.
        const answer = await fetch(`${twinlog.url}${path.replace(/:(\w+)/g, 'x1')}`, { method });
        const body = (await answer.json()) as Record<string, unknown>;
        if (!('twinsMonitored' in body)) missing.push(`${service}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every route the gateway document names answers, none a 404 for want of a route', async () => {
    const unanswered: string[] = [];
    for (const operation of operationsOf(gatewayApiDocument('test'))) {
      const [method, template] = operation.split(' ') as [string, string];
      const path =
        template === '/docs/{file}' ? '/docs/swagger-ui.css' : template.replace(/\{\w+\}/g, 'x1');
      const stop = new AbortController();
      const answer = await fetch(`${twinlog.url}${path}`, {
        method,
        signal: stop.signal,
        ...(method === 'GET'
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: '{}' }),
      });
      // A stream (Server-Sent Events) answers, and goes on: its headers are the answer.
      if (answer.headers.get('content-type')?.startsWith('text/event-stream')) {
        stop.abort();
        continue;
      }
      const text = await answer.text();
      const code =
        answer.status === 404
          ? (JSON.parse(text) as { error?: { code?: string } }).error?.code
          : undefined;
      // ROUTE_NOT_FOUND (a service's or the gateway's) or 405: no route there for the method. A
      // 404 naming the thing (TWIN_NOT_FOUND, SIMULATION_NOT_FOUND) is the route answering.
      if (code === 'ROUTE_NOT_FOUND' || answer.status === 405)
        unanswered.push(`${operation}: ${answer.status} ${text}`);
    }
    expect(unanswered).toEqual([]);
  });
});
