import fc from 'fast-check';
import { OBJECT_BUILT_IN_NAMES } from '@twinlog/domain';
import { startInProcessTwinlog, type InProcessTwinlog } from './testing/in-process-twinlog';

// Every query parameter of every route is validated the one way (QueryParams/QueryGuard): a
// bad one is 400 QUERY_INVALID naming it in details.parameter, never an empty 200 or a 5xx.
jest.setTimeout(300_000);

let t: InProcessTwinlog;
const iso = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
async function get(path: string, method = 'GET'): Promise<{ status: number; json: any }> {
  const response = await fetch(`${t.url}${path}`, {
    method,
    ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  t = await startInProcessTwinlog();
  const answer = await fetch(`${t.url}/v1/twins`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      twinId: 'cnc-1',
      twinType: 'cnc-milling-machine',
      commissionedAt: iso(600),
    }),
  });
  expect(answer.status).toBe(201);
});
afterAll(async () => t?.close());

/** Each route with the parameters it takes (method GET unless said). */
const ROUTES: Array<{ path: string; method?: string; params: string[] }> = [
  {
    path: '/v1/twins',
    params: ['twinType', 'level', 'parentId', 'site', 'status', 'limit', 'cursor'],
  },
  { path: '/v1/twins/cnc-1', params: [] },
  { path: '/v1/twins/cnc-1/rollup', params: [] },
  { path: '/v1/twins/cnc-1/history', params: ['at', 'by', 'subtree'] },
  { path: '/v1/twins/cnc-1/diff', params: ['from', 'to', 'by'] },
  { path: '/v1/twins/cnc-1/events', params: ['types', 'from', 'to', 'limit', 'cursor'] },
  { path: '/v1/twins/cnc-1/properties/temperature/source', params: [] },
  { path: '/v1/twins/cnc-1/maintenance', params: [] },
  { path: '/v1/twins/cnc-1/maintenance/history', params: ['from', 'to', 'limit', 'cursor'] },
  { path: '/v1/twins/cnc-1/maintenance/rollup', params: [] },
  { path: '/v1/simulations', params: ['twinId', 'limit', 'cursor'] },
  { path: '/v1/physics', params: ['limit', 'cursor'] },
  { path: '/v1/physics/cnc-milling-machine', params: [] },
  { path: '/v1/worker', params: [] },
  { path: '/v1/readings', method: 'POST', params: [] },
  { path: '/v1/twins/cnc-1/retire', method: 'POST', params: [] },
];

describe('query parameters', () => {
  it.each([
    ['/v1/twins?level=galaxy', 'level'],
    ['/v1/twins?status=sleeping', 'status'],
    ['/v1/twins?twinType=no-such-type', 'twinType'],
    ['/v1/twins?type=cnc-milling-machine', 'type'],
    ['/v1/twins?limit=0', 'limit'],
    ['/v1/twins?cursor=%2F%2F', 'cursor'],
    ['/v1/twins?cursor=bm90IGEgY3Vyc29y', 'cursor'],
    ['/v1/twins?parentId=not%20an%20id', 'parentId'],
    ['/v1/twins?site=', 'site'],
    ['/v1/twins?colour=red', 'colour'],
    ['/v1/twins?level=asset&level=system', 'level'],
    ['/v1/twins/cnc-1?verbose=true', 'verbose'],
    ['/v1/twins/cnc-1/history', 'at'],
    ['/v1/twins/cnc-1/history?at=2026-11-31T00:30:00Z', 'at'],
    ['/v1/twins/cnc-1/history?at=yesterday', 'at'],
    ['/v1/twins/cnc-1/history?at=2026-01-01T00:00:00', 'at'],
    [`/v1/twins/cnc-1/history?at=${iso(1)}&by=wallclock`, 'by'],
    [`/v1/twins/cnc-1/history?at=${iso(1)}&subtree=maybe`, 'subtree'],
    [`/v1/twins/cnc-1/diff?from=${iso(1)}&to=${iso(5)}`, 'from'],
    [`/v1/twins/cnc-1/diff?from=${iso(1)}&to=${iso(1)}`, 'from'],
    [`/v1/twins/cnc-1/diff?from=${iso(5)}`, 'to'],
    ['/v1/twins/cnc-1/events?limit=0', 'limit'],
    ['/v1/twins/cnc-1/events?limit=-5', 'limit'],
    ['/v1/twins/cnc-1/events?limit=2.5', 'limit'],
    ['/v1/twins/cnc-1/events?limit=1000000', 'limit'],
    ['/v1/twins/cnc-1/events?after=0', 'after'],
    ['/v1/twins/cnc-1/events?cursor=-1', 'cursor'],
    ['/v1/twins/cnc-1/events?cursor=abc', 'cursor'],
    ['/v1/twins/cnc-1/events?types=TwinRegistered,Nonsense', 'types'],
    ['/v1/twins/cnc-1/events?types=', 'types'],
    [`/v1/twins/cnc-1/events?from=${iso(1)}&to=${iso(9)}`, 'from'],
    ['/v1/twins/cnc-1/maintenance/history?limit=many', 'limit'],
    ['/v1/twins/cnc-1/maintenance/history?from=2026-02-30T00:00:00Z', 'from'],
    [`/v1/twins/cnc-1/maintenance/history?from=${iso(1)}&to=${iso(9)}`, 'from'],
    ['/v1/twins/cnc-1/maintenance/history?cursor=abc', 'cursor'],
    ['/v1/simulations?twinId=%2F%2F', 'twinId'],
    ['/v1/simulations?limit=1001', 'limit'],
    ['/v1/physics?cursor=e30', 'cursor'],
    ['/v1/physics?__proto__=1', '__proto__'],
    ['/v1/twins?constructor=x', 'constructor'],
  ])('%s is 400 QUERY_INVALID naming %s', async (path, parameter) => {
    const { status, json } = await get(path);
    expect({ status, code: json?.error?.code, parameter: json?.error?.details?.parameter }).toEqual(
      {
        status: 400,
        code: 'QUERY_INVALID',
        parameter,
      },
    );
    expect(json.error.message).toContain(parameter);
    // The bound a caller can use, never Number.MAX_SAFE_INTEGER.
    if (path.includes('events?limit')) expect(json.error.message).toMatch(/from 1 to 1000$/);
  });

  it('refuses async=maybe before any run starts, and a query on routes that take none', async () => {
    for (const [path, method, parameter] of [
      ['/v1/simulations?async=maybe', 'POST', 'async'],
      ['/v1/simulations/compare?async=1', 'POST', 'async'],
      ['/v1/readings?dryRun=true', 'POST', 'dryRun'],
      ['/v1/twins/cnc-1/retire?force=true', 'POST', 'force'],
    ] as const) {
      const { status, json } = await get(path, method);
      expect([path, status, json?.error?.details?.parameter]).toEqual([path, 400, parameter]);
    }
  });

  it('answers well-formed questions', async () => {
    for (const path of [
      '/v1/twins?level=asset&status=active&twinType=cnc-milling-machine&limit=1',
      `/v1/twins/cnc-1/history?at=${iso(1)}&by=event&subtree=false`,
      `/v1/twins/cnc-1/diff?from=${iso(300)}&to=${iso(1)}&by=event`,
      `/v1/twins/cnc-1/events?types=TwinRegistered&limit=10&from=${iso(700)}&to=${iso(0)}`,
      '/v1/twins/cnc-1/maintenance/history?limit=5',
      '/v1/simulations?twinId=cnc-1&limit=5',
      '/v1/physics?limit=1',
    ]) {
      expect([path, (await get(path)).status]).toEqual([path, 200]);
    }
  });

  it('gives random parameters a 2xx or a 400 naming the parameter, never a 5xx (property test)', async () => {
    const known = [...new Set(ROUTES.flatMap((r) => r.params))];
    const key = fc.oneof(
      fc.constantFrom(...known),
      fc.constantFrom(...OBJECT_BUILT_IN_NAMES),
      fc.string({ maxLength: 12 }),
    );
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.integer({ min: -5, max: 2000 }).map(String),
      fc.double().map(String),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constantFrom(
        '',
        'true',
        'false',
        'event',
        'record',
        'asset',
        'TwinRegistered',
        iso(1),
        '2026-11-31T00:30:00Z',
      ),
    );
    const pairs = fc.array(fc.tuple(key, fc.array(value, { minLength: 1, maxLength: 2 })), {
      maxLength: 4,
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), pairs, async (route, entries) => {
        const search = new URLSearchParams();
        for (const [k, values] of entries) for (const v of values) search.append(k, v);
        const query = search.toString();
        const { status, json } = await get(
          `${route.path}${query ? `?${query}` : ''}`,
          route.method,
        );
        const given = entries.map(([k]) => k);
        expect(status).toBeLessThan(500);
        if (status === 400 && json?.error?.code === 'QUERY_INVALID') {
          // One the request gave, or a required one it left out.
          expect([...given, ...route.params]).toContain(json.error.details.parameter);
        } else if (entries.length > 0 && status < 300) {
          // Accepted: every parameter given is one the route takes.
          for (const k of given) expect(route.params).toContain(k);
        }
      }),
      { numRuns: 150 },
    );
  });
});
