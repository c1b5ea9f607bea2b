import {
  createServer,
  request,
  type ClientRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { bounded } from '@twinlog/domain';
import {
  AllowedHosts,
  answerClientErrors,
  applyHttpTimeouts,
  DEFAULT_HTTP_TIMEOUTS,
  refuseForeignRequests,
  securityHeaders,
  type HttpTimeouts,
} from '@twinlog/service-kit';
import { apiReference, type ApiReference } from './api/api-reference';
import {
  dashboardFiles,
  DEFAULT_DASHBOARD_DIR,
  type DashboardFiles,
} from './dashboard/dashboard-files';
import { SERVICES, serviceFor, type ServiceName } from './routes';

export interface OnePortGateway {
  url: string;
  close(): Promise<void>;
}

/**
 * The services' HTTP APIs behind one port: a plain reverse proxy by path (bodies and answers
 * stream through untouched). `/health/live` and `/health/ready` answer for the whole system:
 * ready when every service is. Like every service, it refuses foreign Hosts and cross-site
 * changes (the services behind it check again) and sends security headers: its own answers
 * carry a page's policy, forwarded ones the service's. It also serves the API's description,
 * `/openapi.json`, and its reference page, `/docs` (ADR 0016), and the dashboard: `/`, its pages
 * and `/assets/*` from `dashboardDir` (docs/adr/0020-dashboard-stack.md).
 */
export async function startOnePortGateway(
  upstreams: Record<ServiceName, string>,
  host: string,
  port: number,
  timeouts: HttpTimeouts = DEFAULT_HTTP_TIMEOUTS,
  allowedHosts: AllowedHosts = AllowedHosts.of([], host),
  dashboardDir: string = DEFAULT_DASHBOARD_DIR,
): Promise<OnePortGateway> {
  const headers = securityHeaders('page');
  const screen = refuseForeignRequests(allowedHosts);
  const reference = apiReference();
  const dashboard = dashboardFiles(dashboardDir);
  const server = createServer((req, res) => {
    headers(req, res, () =>
      screen(req, res, () => route(req, res, upstreams, reference, dashboard)),
    );
  });
  applyHttpTimeouts(server, timeouts);
  answerClientErrors(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`,
    close: () => closeServer(server),
  };
}

/** The system's probes, the API's description, the dashboard, or the service whose API the path is. */
function route(
  req: IncomingMessage,
  res: ServerResponse,
  upstreams: Record<ServiceName, string>,
  reference: ApiReference,
  dashboard: DashboardFiles,
): void {
  const path = req.url ?? '/';
  if (path === '/health/live') return json(res, 200, { status: 'up' });
  if (path === '/health/ready')
    return void readiness(upstreams).then((r) =>
      r.ready ? json(res, 200, r) : json(res, 503, notReady(r)),
    );
  if (reference.answer(req, res)) return;
  if (dashboard.answer(req, res)) return;
  const service = serviceFor(req.method ?? 'GET', path);
  if (!service)
    return json(res, 404, {
      error: {
        code: 'ROUTE_NOT_FOUND',
        message: `No Twinlog API at ${bounded(path)}: the APIs are under /v1 (docs/api-conventions.md)`,
        details: {},
      },
    });
  forward(req, res, upstreams[service], service);
}

// A body up to this size is kept while it streams through, so that a request can be sent again
// once: an upstream may close an idle kept-alive connection just as the gateway reuses it.
const RESENDABLE_BYTES = 8 * 1024 * 1024;

function forward(
  req: IncomingMessage,
  res: ServerResponse,
  upstream: string,
  service: ServiceName,
): void {
  const target = new URL(req.url ?? '/', upstream);
  const kept: Buffer[] = [];
  let keptBytes = 0;
  req.on('data', (chunk: Buffer) => {
    keptBytes += chunk.length;
    if (keptBytes <= RESENDABLE_BYTES) kept.push(chunk);
  });
  let current: ClientRequest | undefined;
  // A client gone before its answer (an aborted upload, a closed connection) takes the upstream
  // request with it at once: left open, each would hold two descriptors until a timeout.
  res.once('close', () => {
    if (!res.writableFinished) current?.destroy();
  });
  const send = (retry: boolean) => {
    const outgoing = request(
      target,
      {
        method: req.method,
        headers: { ...req.headers, host: target.host },
        // The resend takes a new connection: the reused one was just found closed.
        ...(retry ? { agent: false } : {}),
      },
      (answer) => {
        // The service's own security headers replace the gateway's; nothing says what runs it.
        const { 'x-powered-by': _poweredBy, ...headers } = answer.headers;
        res.writeHead(answer.statusCode ?? 502, headers);
        // A client gone mid-answer destroys the upstream answer (and its socket) too.
        pipeline(answer, res, () => undefined);
      },
    );
    current = outgoing;
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (res.destroyed) return;
      if (res.headersSent) return void res.destroy(error);
      // Nothing was answered on a kept-alive connection the upstream had closed: most likely
      // the request never reached it. Sent again only where a second delivery changes nothing:
      // idempotent methods, and readings (de-duplicated by reading id).
      const stale =
        outgoing.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
      if (!retry && stale && resendable(req) && req.complete && keptBytes <= RESENDABLE_BYTES)
        return void send(true).end(Buffer.concat(kept));
      json(res, 502, {
        error: {
          code: 'SERVICE_UNAVAILABLE',
          message: `The ${service} service did not answer: ${error.message}`,
          details: {},
        },
      });
    });
    return outgoing;
  };
  // pipe, not pipeline: an upstream error must not destroy the client's socket before the 502
  // (or the resend) is written. A client that goes away is handled by the close handler above.
  req.pipe(send(false));
}

function resendable(req: IncomingMessage): boolean {
  const method = req.method ?? 'GET';
  if (['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'].includes(method)) return true;
  return method === 'POST' && (req.url ?? '').split('?')[0] === '/v1/readings';
}

async function readiness(upstreams: Record<ServiceName, string>) {
  const states = await Promise.all(
    SERVICES.map(async (service) => {
      try {
        const answer = await fetch(new URL('/health/ready', upstreams[service]), {
          signal: AbortSignal.timeout(2_000),
        });
        if (!answer.ok) return [service, 'starting', {}] as const;
        return [service, 'ready', readyFigures(await answer.json().catch(() => ({})))] as const;
      } catch {
        return [service, 'down', {}] as const;
      }
    }),
  );
  return {
    ready: states.every(([, s]) => s === 'ready'),
    services: Object.fromEntries(states.map(([service, state]) => [service, state])),
    // What each service's own readiness reports (twins known, readings folded): behind one
    // port, the only way to read them (the embedded bench:pipeline counts with them).
    figures: Object.fromEntries(
      states.filter(([, , f]) => Object.keys(f).length > 0).map(([service, , f]) => [service, f]),
    ),
  };
}

/** The numbers of a service's ready answer; anything else (its status, text) is not passed on. */
function readyFigures(body: unknown): Record<string, number> {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(
    Object.entries(body).filter((e): e is [string, number] => typeof e[1] === 'number'),
  );
}

/** A 503 of the readiness probe in the error body every Twinlog error has. */
function notReady(r: Awaited<ReturnType<typeof readiness>>) {
  const waiting = Object.entries(r.services)
    .filter(([, state]) => state !== 'ready')
    .map(([service, state]) => `${service} (${state})`);
  return {
    error: {
      code: 'NOT_READY',
      message: `Not ready: ${waiting.join(', ')}`,
      details: { ready: false, services: r.services },
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
