import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { bounded } from '@twinlog/domain';
import { applyHttpTimeouts, DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts } from '@twinlog/service-kit';
import { SERVICES, serviceFor, type ServiceName } from './routes';

export interface OnePortGateway {
  url: string;
  close(): Promise<void>;
}

/**
 * The services' HTTP APIs behind one port: a plain reverse proxy by path (bodies and answers
 * stream through untouched). `/health/live` and `/health/ready` answer for the whole system:
 * ready when every service is.
 */
export async function startOnePortGateway(
  upstreams: Record<ServiceName, string>,
  host: string,
  port: number,
  timeouts: HttpTimeouts = DEFAULT_HTTP_TIMEOUTS,
): Promise<OnePortGateway> {
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/health/live') return json(res, 200, { status: 'up' });
    if (path === '/health/ready')
      return void readiness(upstreams).then((r) => json(res, r.ready ? 200 : 503, r));
    const service = serviceFor(req.method ?? 'GET', path);
    if (!service)
      return json(res, 404, {
        error: {
          code: 'NOT_FOUND',
          message: `No Twinlog API at ${bounded(path)}: the APIs are under /v1 (docs/services/*.md)`,
          details: {},
        },
      });
    forward(req, res, upstreams[service], service);
  });
  applyHttpTimeouts(server, timeouts);
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

function forward(
  req: IncomingMessage,
  res: ServerResponse,
  upstream: string,
  service: ServiceName,
): void {
  const target = new URL(req.url ?? '/', upstream);
  const outgoing = request(
    target,
    { method: req.method, headers: { ...req.headers, host: target.host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      // A client gone mid-answer destroys the upstream answer (and its socket) too.
      pipeline(answer, res, () => undefined);
    },
  );
  // A client gone before its answer (an aborted upload, a closed connection) takes the upstream
  // request with it at once: left open, each would hold two descriptors until a timeout.
  res.once('close', () => {
    if (!res.writableFinished) outgoing.destroy();
  });
  outgoing.on('error', (error) => {
    if (res.destroyed) return;
    if (res.headersSent) return void res.destroy(error);
    json(res, 502, {
      error: {
        code: 'SERVICE_UNAVAILABLE',
        message: `The ${service} service did not answer: ${error.message}`,
        details: {},
      },
    });
  });
  // An aborted request body errors here; the close handler above has already cleaned up.
  pipeline(req, outgoing, () => undefined);
}

async function readiness(upstreams: Record<ServiceName, string>) {
  const states = await Promise.all(
    SERVICES.map(async (service) => {
      try {
        const answer = await fetch(new URL('/health/ready', upstreams[service]), {
          signal: AbortSignal.timeout(2_000),
        });
        return [service, answer.ok ? 'ready' : 'starting'] as const;
      } catch {
        return [service, 'down'] as const;
      }
    }),
  );
  return { ready: states.every(([, s]) => s === 'ready'), services: Object.fromEntries(states) };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
