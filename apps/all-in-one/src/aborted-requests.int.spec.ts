import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { StructuredLogger } from '@twinlog/service-kit';
import { startInProcessTwinlog, type InProcessTwinlog } from './testing/in-process-twinlog';

// Clients that go away mid-request, or never finish their body, must not hold the process's
// file descriptors: an aborted request takes its upstream request with it at once, and a
// slow body is cut off at the request timeout (short here; TWINLOG_HTTP_REQUEST_TIMEOUT_MS).
jest.setTimeout(180_000);

const REQUEST_TIMEOUT_MS = 2_000;
let t: InProcessTwinlog;

const portOf = (url: string) => Number(new URL(url).port);
const openFds = () => readdirSync('/proc/self/fd').length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const errors: string[] = [];

function partialUpload(port: number, path = '/v1/readings'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          `Content-Length: 1000\r\n\r\n[`,
      );
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

async function settlesNear(baseline: number, withinMs: number): Promise<number> {
  let now = openFds();
  for (let waited = 0; waited < withinMs && now > baseline + 20; waited += 250) {
    await sleep(250);
    now = openFds();
  }
  return now;
}

beforeAll(async () => {
  t = await startInProcessTwinlog({
    loggerFor: (service) =>
      new StructuredLogger(service, 'json', (line) => {
        if ((JSON.parse(line) as { level: string }).level === 'error') errors.push(line);
      }),
  });
});
afterAll(async () => t?.close());

it('releases the descriptors of aborted uploads at once and keeps answering', async () => {
  expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
  const baseline = openFds();
  for (let round = 0; round < 15; round++) {
    // Ingestion reads its bodies itself; twin-state through Nest's body parser.
    const path = round % 2 === 0 ? '/v1/readings' : '/v1/twins';
    const sockets = await Promise.all(
      Array.from({ length: 20 }, () => partialUpload(portOf(t.url), path)),
    );
    // Long enough for the gateway to have opened its upstream request for each.
    await sleep(100);
    for (const socket of sockets) socket.destroy();
  }
  expect(await settlesNear(baseline, 15_000)).toBeLessThanOrEqual(baseline + 20);
  expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
  // An abort is no error of the services: nothing logged at error level.
  expect(errors).toEqual([]);
});

// Every HTTP server (the gateway and each service) cuts a slow body at its request timeout.
describe('with short request timeouts', () => {
  let short: InProcessTwinlog;
  beforeAll(async () => {
    short = await startInProcessTwinlog({
      env: { TWINLOG_HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) },
      gatewayTimeouts: { requestTimeoutMs: REQUEST_TIMEOUT_MS },
    });
  });
  afterAll(async () => short?.close());

  it.each([
    ['the gateway', () => short.url, '/v1/readings'],
    ['ingestion', () => short.services.ingestion, '/v1/readings'],
    ['twin-state', () => short.services['twin-state'], '/v1/twins'],
    ['simulation', () => short.services.simulation, '/v1/simulations'],
  ])('%s cuts off a body that never finishes', async (_server, url, path) => {
    const baseline = openFds();
    const socket = await partialUpload(portOf(url()), path);
    const closed = new Promise<string>((resolve) => {
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      socket.on('close', () => resolve(answer));
    });
    // A byte now and then: the socket is never idle, the request never complete.
    const drip = setInterval(() => socket.writable && socket.write(' '), 200);
    try {
      const outcome = await Promise.race([closed, sleep(30_000).then(() => 'still open')]);
      expect(outcome).not.toBe('still open');
      expect(outcome === '' || outcome.startsWith('HTTP/1.1 408')).toBe(true);
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
    expect(await settlesNear(baseline, 15_000)).toBeLessThanOrEqual(baseline + 20);
    expect((await fetch(`${short.url}/health/live`)).status).toBe(200);
  });
});
