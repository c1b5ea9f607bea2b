import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@twinlog/event-log/testing';
import { ensureBootstrapKey } from '@twinlog/service-kit';
import { startTwinStateHarness, type TwinStateHarness } from '../testing/twin-state-harness';
import { DIFF_ANSWER } from './twin-answers';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
const T0 = Date.now() - 48 * HOUR;
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();

// The time slider over a subtree (issue 21): what changed since, for every twin in it, as a
// caller of some sites may see it, and bounded for a big subtree (TWIN_STATE_MAX_PAGE twins).
describe('a subtree diff, with authentication on (embedded)', () => {
  let h: TwinStateHarness;
  let admin: Record<string, string>;
  let viewer: Record<string, string>;
  const subtreeDiff = (root: string, headers: Record<string, string>, extra = '') =>
    h.call(
      'GET',
      `/v1/twins/${root}/diff?from=${at(0.5)}&to=${at(3)}&subtree=true${extra}`,
      undefined,
      headers,
    );

  beforeAll(async () => {
    // Three twins per side at most: the admin's subtree at `to` has four.
    h = await startTwinStateHarness('embedded', { TWINLOG_AUTH: 'on', TWIN_STATE_MAX_PAGE: '3' });
    const file = join(mkdtempSync(join(tmpdir(), 'twinlog-keys-')), 'admin.key');
    await ensureBootstrapKey(h.infra.log.accessKeys, file, true);
    admin = { authorization: `Bearer ${readFileSync(file, 'utf8').trim()}` };
    const key = await h.call(
      'POST',
      '/v1/admin/keys',
      { name: 'plant-a viewer', role: 'viewer', sites: ['plant-a'] },
      admin,
    );
    expect(key.status).toBe(201);
    viewer = { authorization: `Bearer ${key.json.key}` };
    const register = async (body: Record<string, unknown>, hours = 0) =>
      expect(
        (await h.call('POST', '/v1/twins', { commissionedAt: at(hours), ...body }, admin)).status,
      ).toBe(201);
    // A line of plant-a with a machine of each site; a tool fitted to mill-a in the window.
    await register({ twinId: 'line-1', twinType: 'production-line', site: 'plant-a' });
    for (const [twinId, site] of [
      ['mill-a', 'plant-a'],
      ['mill-c', 'plant-b'],
    ])
      await register({ twinId, twinType: 'cnc-milling-machine', parentId: 'line-1', site });
    await register(
      { twinId: 'tool-a', twinType: 'cutting-tool', parentId: 'mill-a', site: 'plant-a' },
      2,
    );
    await h.report('mill-a', [
      { property: 'temperature', value: 40, unit: '°C', occurredAt: at(0.25) },
    ]);
    await h.report('mill-a', [
      { property: 'temperature', value: 70, unit: '°C', occurredAt: at(1) },
    ]);
    await h.report('mill-c', [
      { property: 'temperature', value: 55, unit: '°C', occurredAt: at(1) },
    ]);
    await eventually(async () => {
      const { json } = await h.call('GET', '/v1/twins/mill-c', undefined, admin);
      return json?.reported?.temperature?.value === 55;
    }, 'the live state caught up with the telemetry');
  });
  afterAll(async () => h?.close());

  it("shows a scoped viewer each twin's changes and the twin added, never another site's twin", async () => {
    const { status, json } = await subtreeDiff('line-1', viewer);
    expect(status).toBe(200);
    expect(DIFF_ANSWER.parse(json)).toEqual(json);
    expect(json).toMatchObject({ by: 'event', compared: 3, truncated: false });
    expect(json.twins.map((t: { twinId: string; change: string }) => [t.twinId, t.change])).toEqual(
      [
        ['mill-a', 'changed'],
        ['tool-a', 'added'],
      ],
    );
    expect(json.twins[0].changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'reported.temperature',
          before: expect.objectContaining({ value: 40 }),
          after: expect.objectContaining({ value: 70 }),
        }),
      ]),
    );
    expect(JSON.stringify(json)).not.toContain('mill-c');
    const other = await subtreeDiff('mill-c', viewer);
    expect([other.status, other.json.error.code]).toEqual([404, 'TWIN_NOT_FOUND']);
  });

  it('compares at most TWIN_STATE_MAX_PAGE twins of a big subtree, nearest the root first, and says so', async () => {
    const { json } = await subtreeDiff('line-1', admin);
    expect(json).toMatchObject({ compared: 3, truncated: true });
    expect(json.twins.map((t: { twinId: string }) => t.twinId)).toEqual(['mill-a', 'mill-c']);
    const small = await subtreeDiff('mill-a', admin);
    expect(small.json).toMatchObject({ compared: 2, truncated: false });
  });

  it('refuses a malformed subtree flag or range and needs a credential', async () => {
    const bad = await subtreeDiff('line-1', viewer, '&subtree=yes');
    expect([bad.status, bad.json.error.code]).toEqual([400, 'QUERY_INVALID']);
    const maybe = await h.call(
      'GET',
      `/v1/twins/line-1/diff?from=${at(0.5)}&to=${at(3)}&subtree=maybe`,
      undefined,
      viewer,
    );
    expect([maybe.status, maybe.json.error.details.parameter]).toEqual([400, 'subtree']);
    const inverted = await h.call(
      'GET',
      `/v1/twins/line-1/diff?from=${at(3)}&to=${at(0.5)}&subtree=true`,
      undefined,
      viewer,
    );
    expect(inverted.status).toBe(400);
    expect(
      (await h.call('GET', `/v1/twins/line-1/diff?from=${at(0.5)}&to=${at(3)}&subtree=true`))
        .status,
    ).toBe(401);
    const notYet = await h.call(
      'GET',
      `/v1/twins/mill-a/diff?from=${at(-2)}&to=${at(-1)}&subtree=true`,
      undefined,
      viewer,
    );
    expect([notYet.status, notYet.json.error.code]).toEqual([404, 'TWIN_NOT_FOUND']);
  });
});
