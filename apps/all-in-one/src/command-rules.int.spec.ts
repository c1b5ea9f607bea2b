import { startInProcessTwinlog, type InProcessTwinlog } from './testing/in-process-twinlog';

// The hierarchy and repeated-command rules of docs/services/twin-state.md, through the API:
// the command service gives the decider the children's states it needs.
jest.setTimeout(300_000);

let t: InProcessTwinlog;
const iso = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
type Answer = { status: number; json: any };

async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${t.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}
const register = (twinId: string, twinType: string, parentId?: string) =>
  call('POST', '/v1/twins', {
    twinId,
    twinType,
    commissionedAt: iso(60),
    ...(parentId ? { parentId } : {}),
  });

beforeAll(async () => {
  t = await startInProcessTwinlog();
});
afterAll(async () => t?.close());

describe('command rules', () => {
  it('keeps the hierarchy consistent: no retired parent above an active child', async () => {
    expect((await register('line-1', 'production-line')).status).toBe(201);
    expect((await register('cnc-1', 'cnc-milling-machine', 'line-1')).status).toBe(201);
    expect((await register('tool-1', 'cutting-tool', 'cnc-1')).status).toBe(201);

    const early = await call('POST', '/v1/twins/line-1/retire', { reason: 'closed' });
    expect([early.status, early.json.error.code, early.json.error.details.children]).toEqual([
      409,
      'CHILDREN_ACTIVE',
      ['cnc-1'],
    ]);
    // A retired tool frees its place: the replacement joins the machine.
    expect((await call('POST', '/v1/twins/tool-1/retire', { reason: 'worn' })).status).toBe(201);
    expect((await register('tool-2', 'cutting-tool', 'cnc-1')).status).toBe(201);
    expect((await call('POST', '/v1/twins/tool-2/retire', { reason: 'worn' })).status).toBe(201);
    expect((await call('POST', '/v1/twins/cnc-1/retire', { reason: 'sold' })).status).toBe(201);
    const retired = await call('POST', '/v1/twins/line-1/retire', { reason: 'closed' });
    expect(retired).toMatchObject({ status: 201, json: { events: [{ type: 'TwinRetired' }] } });

    const orphan = await register('cnc-2', 'cnc-milling-machine', 'line-1');
    expect([orphan.status, orphan.json.error.code]).toEqual([422, 'PARENT_RETIRED']);
    // A second retirement records nothing.
    const again = await call('POST', '/v1/twins/line-1/retire', { reason: 'closed' });
    expect(again).toMatchObject({
      status: 201,
      json: { events: [], revision: retired.json.revision },
    });
  });

  it('records nothing for limits equal to the current ones or a resent maintenance', async () => {
    expect((await register('cnc-9', 'cnc-milling-machine')).status).toBe(201);
    const limits = { normal: { high: 60 }, alarm: { high: 80 } };
    const first = await call('PUT', '/v1/twins/cnc-9/limits/temperature', { limits });
    expect(first.json.events).toHaveLength(1);
    const repeat = await call('PUT', '/v1/twins/cnc-9/limits/temperature', {
      limits: { alarm: { high: 80 }, normal: { high: 60 } },
    });
    expect(repeat).toMatchObject({
      status: 200,
      json: { events: [], revision: first.json.revision },
    });
    const maintenance = { kind: 'tool-replaced', performedAt: iso(5), resets: ['tool_wear'] };
    const done = await call('POST', '/v1/twins/cnc-9/maintenance', maintenance);
    expect(done.json.events).toHaveLength(1);
    const resent = await call('POST', '/v1/twins/cnc-9/maintenance', maintenance);
    expect(resent).toMatchObject({
      status: 201,
      json: { events: [], revision: done.json.revision },
    });
  });

  it('refuses inconsistent state: early children, empty limits, foreign components, huge fields', async () => {
    const code = (a: Answer) => [a.status, a.json?.error?.code];
    expect((await register('cnc-20', 'cnc-milling-machine')).status).toBe(201);
    const early = await call('POST', '/v1/twins', {
      twinId: 'cnc-20-tool',
      twinType: 'cutting-tool',
      parentId: 'cnc-20',
      commissionedAt: iso(120),
    });
    expect(code(early)).toEqual([422, 'TIMESTAMP_IMPLAUSIBLE']);
    expect((await register('cnc-20-tool', 'cutting-tool', 'cnc-20')).status).toBe(201);

    const empty = await call('PUT', '/v1/twins/cnc-20/limits/temperature', { limits: {} });
    expect(code(empty)).toEqual([422, 'LIMITS_INVALID']);

    const maintenance = (componentId: string) =>
      call('POST', '/v1/twins/cnc-20/maintenance', {
        kind: 'repair',
        performedAt: iso(5),
        componentId,
      });
    expect(code(await maintenance('__proto__'))).toEqual([422, 'CHILD_NOT_ALLOWED']);
    expect(code(await maintenance('nonexistent'))).toEqual([422, 'CHILD_NOT_ALLOWED']);
    expect(code(await maintenance('x'.repeat(60_000)))).toEqual([400, 'COMMAND_INVALID']);
    expect((await maintenance('cnc-20-tool')).status).toBe(201);

    const numeric = await call('POST', '/v1/twins', {
      twinId: 'cnc-21',
      twinType: 'cnc-milling-machine',
      commissionedAt: Date.now(),
    });
    expect(code(numeric)).toEqual([422, 'TIMESTAMP_IMPLAUSIBLE']);

    const diff = await call('GET', `/v1/twins/cnc-20/diff?from=${iso(600)}&to=${iso(1)}`);
    expect(diff.status).toBe(200);
    expect(diff.json.changes).toEqual([expect.objectContaining({ path: 'twin', before: null })]);
  });
});
