import { connect } from 'node:net';
import { stampEvents } from '@twinlog/domain';
import { startInProcessTwinlog, type InProcessTwinlog } from './testing/in-process-twinlog';

// docs/api-conventions.md: every list pages with limit/cursor/next (every item once, in order,
// also while items are being added), and every error of every service and of the gateway has
// the one body { error: { code, message, details } }.
jest.setTimeout(300_000);

let t: InProcessTwinlog;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
type Answer = { status: number; json: any; headers: Headers };

async function call(method: string, path: string, body?: unknown, base = t.url): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: text ? JSON.parse(text) : undefined,
    headers: response.headers,
  };
}

/** Every page of a list from the first, following `next`; `between` runs after each page. */
async function pageThrough(
  path: string,
  key: string,
  between: () => Promise<unknown> = async () => undefined,
) {
  const pages: unknown[][] = [];
  let next: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await call('GET', `${path}${next === null ? '' : `${sep}cursor=${next}`}`);
    expect([path, page.status]).toEqual([path, 200]);
    expect(Object.keys(page.json)).toEqual(expect.arrayContaining([key, 'next']));
    pages.push(page.json[key]);
    next = page.json.next;
    await between();
  } while (next !== null && pages.length < 200);
  expect(next).toBeNull();
  return { pages, items: pages.flat() };
}

async function register(twinId: string) {
  const answer = await call('POST', '/v1/twins', {
    twinId,
    twinType: 'cnc-milling-machine',
    commissionedAt: minutesAgo(600),
    site: 'plant-a',
  });
  expect([twinId, answer.status]).toEqual([twinId, 201]);
}

let seq = 0;
const reading = (twinId = 'page-00') => ({
  twinId,
  property: 'temperature',
  value: 40 + (seq % 10),
  time: minutesAgo(30 - (seq % 20)),
  readingId: `r-${++seq}`,
});

beforeAll(async () => {
  t = await startInProcessTwinlog();
  for (let i = 0; i < 23; i++) await register(`page-${String(i).padStart(2, '0')}`);
  // Ingestion's directory follows twin-events: wait until it knows the twins.
  for (let i = 0; i < 100; i++) {
    if ((await call('POST', '/v1/readings', [reading()])).status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
});
afterAll(async () => t?.close());

describe('paging', () => {
  it('pages through the twins, every one once and in order, while twins are being registered', async () => {
    const before = (await pageThrough('/v1/twins?limit=1000', 'twins')).items.map(idOf);
    let added = 0;
    const { pages, items } = await pageThrough('/v1/twins?limit=4&site=plant-a', 'twins', () =>
      // One twin before the page boundary, one after it: neither moves another across it.
      Promise.all([register(`concurrent-${++added}`), register(`zz-concurrent-${added}`)]),
    );
    const ids = items.map(idOf);
    expect(pages.every((p) => p.length <= 4)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of before.filter((i) => i.startsWith('page-'))) expect(ids).toContain(id);
    expect(ids.filter((i) => i.startsWith('concurrent-'))).toEqual([]);
    expect(ids.some((i) => i.startsWith('zz-concurrent-'))).toBe(true);
    // A cursor belongs to its filters: reused under others it is refused, naming it.
    const first = await call('GET', '/v1/twins?limit=2&site=plant-a');
    const other = await call('GET', `/v1/twins?limit=2&site=plant-b&cursor=${first.json.next}`);
    expect([other.status, other.json.error.details.parameter]).toEqual([400, 'cursor']);
  });

  it("pages through a twin's trail to its end, every event once, while readings arrive", async () => {
    for (let i = 0; i < 12; i++)
      expect((await call('POST', '/v1/readings', [reading()])).status).toBe(200);
    const { items } = await pageThrough('/v1/twins/page-00/events?limit=5', 'events', () =>
      call('POST', '/v1/readings', [reading()]),
    );
    const positions = items.map((e) => (e as { position: number }).position);
    expect(positions).toEqual(positions.map((_, i) => i));
    expect(positions.length).toBeGreaterThan(13);
    const past = await call(
      'GET',
      `/v1/twins/page-00/events?limit=5&cursor=${forged('events', 10_000)}`,
    );
    expect([past.status, past.json.error.details.parameter]).toEqual([400, 'cursor']);
  });

  it('pages through the dead letters to the end while more are refused', async () => {
    for (let i = 0; i < 7; i++) await call('POST', '/v1/readings', [reading(`nobody-${i}`)]);
    const from = minutesAgo(60);
    const { items } = await pageThrough(
      `/v1/dead-letters?limit=2&from=${from}`,
      'deadLetters',
      () => call('POST', '/v1/readings', [reading(`nobody-late-${seq}`)]),
    );
    const ids = items.map((l) => (l as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(7);
    // In log order (the embedded log's ids are its offsets).
    expect(ids.map(Number)).toEqual(ids.map(Number).sort((a, b) => a - b));
  });

  it('pages through the prediction history, the keys, the simulations and the physics models', async () => {
    const predictions = Array.from({ length: 7 }, (_, i) => ({
      type: 'MaintenancePredicted' as const,
      data: {
        healthIndex: 0.9 - i / 10,
        rulHours: 100 - i,
        rulLowHours: 80 - i,
        rulHighHours: 120 - i,
        basis: 'tool_wear',
        model: 'wear-trend',
        priority: 'low' as const,
        window: { from: minutesAgo(-60), to: minutesAgo(-120) },
      },
      occurredAt: minutesAgo(50 - i),
    }));
    await t.infra.log.append(
      stampEvents('page-01', predictions, {
        commandId: 'predictions',
        correlationId: 'c',
        causationId: null,
        producer: 'maintenance',
        now: new Date().toISOString(),
      }),
    );
    let history: unknown[] = [];
    for (let i = 0; i < 100 && history.length < 7; i++) {
      history = (await pageThrough('/v1/twins/page-01/maintenance/history?limit=3', 'predictions'))
        .items;
      if (history.length < 7) await new Promise((r) => setTimeout(r, 100));
    }
    expect(history.map((p) => (p as { rulHours: number }).rulHours)).toEqual([
      100, 99, 98, 97, 96, 95, 94,
    ]);

    for (let i = 0; i < 5; i++)
      expect(
        (await call('POST', '/v1/admin/keys', { name: `k${i}`, role: 'viewer', sites: '*' }))
          .status,
      ).toBe(201);
    const keys = (await pageThrough('/v1/admin/keys?limit=2', 'keys')).items;
    const all = (await call('GET', '/v1/admin/keys?limit=1000')).json.keys;
    expect(keys).toEqual(all);
    expect(keys.length).toBeGreaterThanOrEqual(5);

    const models = (await pageThrough('/v1/physics?limit=1', 'twinTypes')).items;
    expect(models).toEqual((await call('GET', '/v1/physics')).json.twinTypes);
    expect(models.length).toBeGreaterThanOrEqual(1);

    for (let i = 0; i < 3; i++) {
      const run = await call('POST', '/v1/simulations?async=true', {
        twinId: 'page-00',
        label: `run ${i}`,
        horizon: '10m',
        step: '1m',
        perturbations: [],
      });
      expect([run.status, run.json?.error]).toEqual([202, null]);
    }
    const jobs = (await pageThrough('/v1/simulations?limit=2&twinId=page-00', 'simulations')).items;
    const ids = jobs.map((j) => (j as { simulationId: string }).simulationId);
    expect(new Set(ids).size).toBe(3);
  });

  it('refuses forged and garbled cursors on every list with 400 naming cursor', async () => {
    for (const path of [
      '/v1/twins',
      '/v1/twins/page-00/events',
      '/v1/twins/page-01/maintenance/history',
      '/v1/dead-letters',
      '/v1/simulations',
      '/v1/physics',
      '/v1/admin/keys',
    ]) {
      for (const cursor of ['e30', forged('twins', 'x'), 'AAAA', '_-_-']) {
        const answer = await call('GET', `${path}?cursor=${cursor}`);
        expect([path, cursor, answer.status, answer.json.error?.details?.parameter]).toEqual([
          path,
          cursor,
          400,
          'cursor',
        ]);
      }
    }
  });
});

describe('the error body', () => {
  const bases = () => ({ gateway: t.url, ...t.services });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND in the envelope, from every service and the gateway', async () => {
    for (const [name, base] of Object.entries(bases())) {
      for (const path of ['/nowhere', '/v1/nowhere-at-all']) {
        const answer = await call('GET', path, undefined, base);
        expect([name, path, answer.status, answer.json?.error?.code]).toEqual([
          name,
          path,
          404,
          'ROUTE_NOT_FOUND',
        ]);
        expect(answer.json.error).toEqual({
          code: 'ROUTE_NOT_FOUND',
          message: expect.any(String),
          details: expect.any(Object),
        });
      }
    }
  });

  it('answers a method a route does not take with 405 and Allow', async () => {
    const cases: Array<[string, string, string, string[]]> = [
      ['twin-state', 'DELETE', '/v1/twins', ['GET', 'HEAD', 'POST']],
      ['ingestion', 'GET', '/v1/readings', ['POST']],
      ['simulation', 'PUT', '/v1/physics', ['GET', 'HEAD']],
      ['maintenance', 'DELETE', '/v1/twins/page-00/maintenance', ['GET', 'HEAD']],
      ['anomaly', 'POST', '/v1/worker', ['GET', 'HEAD']],
    ];
    for (const [service, method, path, allowed] of cases) {
      const base = t.services[service as keyof typeof t.services];
      const answer = await call(method, path, undefined, base);
      expect([service, answer.status, answer.json?.error?.code]).toEqual([
        service,
        405,
        'METHOD_NOT_ALLOWED',
      ]);
      expect(answer.headers.get('allow')).toBe(allowed.join(', '));
      expect(answer.json.error.details.allowed).toEqual(allowed);
    }
    // Through the gateway too.
    const gateway = await call('DELETE', '/v1/twins');
    expect([gateway.status, gateway.json.error.code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
  });

  it('answers a request Node cannot parse, or with headers too large, in the envelope', async () => {
    for (const [name, base] of Object.entries(bases())) {
      const garbled = await raw(base, 'NOT HTTP AT ALL\r\n\r\n');
      expect([name, garbled.status, garbled.body.error?.code]).toEqual([
        name,
        400,
        'REQUEST_MALFORMED',
      ]);
      const huge = await raw(
        base,
        `GET /v1/twins HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      expect([name, huge.status, huge.body.error?.code]).toEqual([name, 431, 'HEADERS_TOO_LARGE']);
    }
  });
});

function idOf(twin: unknown): string {
  return (twin as { twinId: string }).twinId;
}

/** A cursor with a well-formed envelope the server never made. */
function forged(list: string, position: unknown): string {
  return Buffer.from(JSON.stringify({ l: list, f: 'made-up', p: position })).toString('base64url');
}

/** Sends raw bytes and reads the status and JSON body of the answer. */
function raw(
  base: string,
  text: string,
): Promise<{ status: number; body: { error?: { code?: string } } }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      try {
        resolve({ status, body: JSON.parse(body) as { error?: { code?: string } } });
      } catch {
        resolve({ status, body: {} });
      }
    });
  });
}
