import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tsRunner } from '@twinlog/testing';

// `node -r ./tools/dev/register.cjs apps/gateway/src/main.ts`, as the container runs it,
// in front of stand-in services on loopback: no Kafka or InfluxDB is involved.
const root = join(__dirname, '..', '..', '..');
const main = join(root, 'apps', 'gateway', 'src', 'main.ts');

function startGateway(env: Record<string, string>) {
  const child = spawn(process.execPath, [...tsRunner(), main], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '', ...env },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, output: () => output };
}

/** A stand-in service that answers every request with its name and the path it got. */
async function standIn(name: string, ready = true): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const status = req.url === '/health/ready' && !ready ? 503 : 200;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ service: name, path: req.url, method: req.method }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function until<T>(probe: () => Promise<T>, what: string, output: () => string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${String(error)}\n${output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe('the standalone gateway (apps/gateway/src/main.ts)', () => {
  jest.setTimeout(60_000);
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  it('routes /v1 paths to the services named by the environment and stops cleanly on SIGTERM', async () => {
    const names = [
      'ingestion',
      'twin-state',
      'anomaly',
      'simulation',
      'maintenance',
      'alerting',
    ] as const;
    const upstreams = await Promise.all(names.map((n) => standIn(n, n !== 'simulation')));
    servers.push(...upstreams.map((u) => u.server));
    const [ingestion, twinState, anomaly, simulation, maintenance, alerting] = upstreams.map(
      (u) => u.url,
    );
    const gateway = startGateway({
      GATEWAY_HTTP_HOST: '127.0.0.1',
      GATEWAY_HTTP_PORT: '0',
      TWINLOG_INGESTION_URL: ingestion!,
      TWINLOG_TWIN_STATE_URL: twinState!,
      TWINLOG_ANOMALY_URL: anomaly!,
      TWINLOG_SIMULATION_URL: simulation!,
      TWINLOG_MAINTENANCE_URL: maintenance!,
      TWINLOG_ALERTING_URL: alerting!,
    });
    const url = await until(
      async () => /gateway listening on (http:\/\/\S+),/.exec(gateway.output())![1]!,
      'the gateway did not say where it listens',
      gateway.output,
    );
    const get = async (path: string, method = 'GET') => {
      const answer = await fetch(`${url}${path}`, { method });
      return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
    };

    expect((await get('/v1/readings', 'POST')).body).toMatchObject({
      service: 'ingestion',
      path: '/v1/readings',
    });
    expect((await get('/v1/twins/cnc-01?x=1')).body).toMatchObject({
      service: 'twin-state',
      path: '/v1/twins/cnc-01?x=1',
    });
    expect((await get('/v1/twins/cnc-01/maintenance')).body.service).toBe('maintenance');
    expect((await get('/v1/worker')).body.service).toBe('anomaly');
    expect((await get('/v1/alerts?status=open')).body.service).toBe('alerting');
    // Readiness is the whole system's: the simulation stand-in is not ready.
    const ready = await get('/health/ready');
    expect(ready.status).toBe(503);
    // A 503 in the error body (docs/api-conventions.md), the services' states in its details.
    expect(ready.body['error']).toMatchObject({
      code: 'NOT_READY',
      details: { services: { simulation: 'starting', ingestion: 'ready' } },
    });
    expect((await get('/health/live')).status).toBe(200);

    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  });

  it('exits 1 naming every missing upstream variable', async () => {
    const gateway = startGateway({ TWINLOG_INGESTION_URL: 'http://ingestion:8081' });
    expect(await gateway.exited).toBe(1);
    const output = gateway.output();
    expect(output).toMatch(/gateway failed to start: Invalid configuration/);
    for (const name of [
      'TWINLOG_TWIN_STATE_URL',
      'TWINLOG_ANOMALY_URL',
      'TWINLOG_SIMULATION_URL',
      'TWINLOG_MAINTENANCE_URL',
      'TWINLOG_ALERTING_URL',
    ])
      expect(output).toContain(`${name}="": required`);
    expect(output).not.toContain('TWINLOG_INGESTION_URL');
  });
});
