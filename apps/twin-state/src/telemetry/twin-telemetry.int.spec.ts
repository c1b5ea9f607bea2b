import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@twinlog/event-log/testing';
import { ensureBootstrapKey } from '@twinlog/service-kit';
import type { TelemetryPoint } from '@twinlog/telemetry-store';
import {
  startTwinStateHarness,
  type Mode,
  type TwinStateHarness,
} from '../testing/twin-state-harness';
import { TELEMETRY_ANSWER, TELEMETRY_ROLLUP_ANSWER } from './telemetry-answers';

jest.setTimeout(120_000);

// A past hour, aligned to the epoch in minutes: windows of 1m start at T0, T0+60 s, ...
const T0 = Date.parse('2026-10-15T08:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/** A line of plant-a with two machines of plant-a and one of plant-b, and their points. */
async function plant(h: TwinStateHarness, suffix: string) {
  const ids = {
    line: `line-${suffix}`,
    a: `mill-a-${suffix}`,
    b: `mill-b-${suffix}`,
    c: `mill-c-${suffix}`,
  };
  const register = async (body: Record<string, unknown>, headers?: Record<string, string>) =>
    expect(
      (await h.call('POST', '/v1/twins', { commissionedAt: at(-86_400), ...body }, headers)).status,
    ).toBe(201);
  return {
    ids,
    async build(headers?: Record<string, string>) {
      await register({ twinId: ids.line, twinType: 'production-line', site: 'plant-a' }, headers);
      for (const [id, site] of [
        [ids.a, 'plant-a'],
        [ids.b, 'plant-a'],
        [ids.c, 'plant-b'],
      ] as const)
        await register(
          { twinId: id, twinType: 'cnc-milling-machine', parentId: ids.line, site },
          headers,
        );
      const point = (
        twinId: string,
        property: string,
        value: number,
        s: number,
      ): TelemetryPoint => ({
        twinId,
        twinType: 'cnc-milling-machine',
        site: twinId === ids.c ? 'plant-b' : 'plant-a',
        property,
        value,
        time: at(s),
      });
      await h.infra.store!.write([
        point(ids.a, 'temperature', 40, 0),
        point(ids.a, 'temperature', 44, 30),
        point(ids.a, 'temperature', 50, 60), // on the second window's start
        point(ids.a, 'power_consumption', 6, 10),
        point(ids.a, 'power_consumption', 8, 20),
        point(ids.a, 'power_consumption', 5, 70),
        point(ids.b, 'power_consumption', 9.5, 5),
        point(ids.c, 'power_consumption', 100, 5),
      ]);
      await eventually(
        async () => (await h.call('GET', `/v1/twins/${ids.c}`, undefined, headers)).status === 200,
        'the live state knows the twins',
      );
    },
  };
}

describe.each<Mode>(['embedded', 'kafka'])('telemetry for charts (%s)', (mode) => {
  let h: TwinStateHarness;
  let ids: { line: string; a: string; b: string; c: string };
  const get = (path: string) => h.call('GET', path);

  beforeAll(async () => {
    // The least budget allowed, so that a few dozen members exceed it.
    h = await startTwinStateHarness(mode, { TWIN_STATE_TELEMETRY_READ_BUDGET: '20000' });
    const p = await plant(h, randomUUID().slice(0, 8));
    ids = p.ids;
    await p.build();
  });
  afterAll(async () => h?.close());

  it('answers mean, min, max, last and count per window for several properties', async () => {
    const { status, json } = await get(
      `/v1/twins/${ids.a}/telemetry?property=temperature,power_consumption,vibration&from=${at(0)}&to=${at(120)}&every=1m`,
    );
    expect(status).toBe(200);
    expect(TELEMETRY_ANSWER.parse(json)).toEqual({
      twinId: ids.a,
      from: at(0),
      to: at(120),
      every: '1m',
      everyMs: 60_000,
      everyChosen: false,
      series: [
        {
          property: 'temperature',
          unit: '°C',
          windows: [
            { start: at(0), mean: 42, min: 40, max: 44, last: 44, count: 2 },
            { start: at(60), mean: 50, min: 50, max: 50, last: 50, count: 1 },
          ],
        },
        {
          property: 'power_consumption',
          unit: 'kW',
          windows: [
            { start: at(0), mean: 7, min: 6, max: 8, last: 8, count: 2 },
            { start: at(60), mean: 5, min: 5, max: 5, last: 5, count: 1 },
          ],
        },
        { property: 'vibration', unit: 'mm/s', windows: [] },
      ],
    });
  });

  it('chooses every for about 1,000 points, and the last hour when no range is given', async () => {
    const chosen = (
      await get(`/v1/twins/${ids.a}/telemetry?property=temperature&from=${at(0)}&to=${at(86_400)}`)
    ).json;
    expect([chosen.every, chosen.everyChosen, chosen.series[0].windows[0].count]).toEqual([
      '2m',
      true,
      3,
    ]);
    const recent = (await get(`/v1/twins/${ids.a}/telemetry?property=temperature`)).json;
    expect(Date.parse(recent.to) - Date.parse(recent.from)).toBe(3_600_000);
    expect(Math.abs(Date.parse(recent.to) - Date.now())).toBeLessThan(60_000);
  });

  it('refuses what cannot be answered with a 400 naming the parameter', async () => {
    const base = `/v1/twins/${ids.a}/telemetry`;
    for (const [query, parameter, message] of [
      ['property=temperature,pressure', 'property', /no property "?pressure"?.*temperature/],
      ['property=constructor', 'property', /no property/],
      ['property=__proto__', 'property', /property name/],
      ['property=temperature,temperature', 'property', /twice/],
      ['property=temperature&property=vibration', 'property', /once/],
      ['', 'property', /property/],
      [`property=temperature&from=${at(60)}&to=${at(0)}`, 'from', /before/],
      [`property=temperature&from=${at(60)}&to=${at(60)}`, 'from', /before/],
      ['property=temperature&from=2026-02-30T00:00:00Z', 'from', /./],
      ['property=temperature&every=banana', 'every', /whole number/],
      ['property=temperature&every=1e308s', 'every', /whole number/],
      [`property=temperature&from=${at(0)}&to=${at(86_400)}&every=1s`, 'every', /at least 9s/],
      ['property=temperature&limit=5', 'limit', /Unknown/],
    ] as const) {
      const { status, json } = await get(`${base}?${query}`);
      expect([query, status, json.error.code, json.error.details.parameter]).toEqual([
        query,
        400,
        'QUERY_INVALID',
        parameter,
      ]);
      expect(json.error.message).toMatch(message);
    }
    for (const id of ['nobody', '__proto__', 'constructor', 'm%22)%20or%20(r']) {
      const { status, json } = await get(`/v1/twins/${id}/telemetry?property=temperature`);
      expect([id, status, json.error.code]).toEqual([id, 404, 'TWIN_NOT_FOUND']);
    }
  });

  it("rolls a line's power up per window: the sum of its machines' means, with how many contributed", async () => {
    const { status, json } = await get(
      `/v1/twins/${ids.line}/telemetry/rollup?property=power_consumption&from=${at(0)}&to=${at(120)}&every=1m`,
    );
    expect(status).toBe(200);
    expect(TELEMETRY_ROLLUP_ANSWER.parse(json).series).toEqual([
      {
        property: 'power_consumption',
        rule: 'sum',
        unit: 'kW',
        members: 3,
        windows: [
          { start: at(0), value: 7 + 9.5 + 100, members: 3, points: 4 },
          { start: at(60), value: 5, members: 1, points: 1 },
        ],
      },
    ]);
    const refused = await get(`/v1/twins/${ids.line}/telemetry/rollup?property=temperature`);
    expect([refused.status, refused.json.error.details.parameter]).toEqual([400, 'property']);
    expect(refused.json.error.message).toMatch(/rolled up: power_consumption/);
  });

  it('refuses a roll-up of many members at a tiny every with a 400 naming the every that fits, and chooses one within the budget', async () => {
    const hall = `hall-${randomUUID().slice(0, 8)}`;
    const register = async (body: Record<string, unknown>) =>
      expect(
        (
          await h.call('POST', '/v1/twins', {
            commissionedAt: at(-86_400),
            site: 'plant-a',
            ...body,
          })
        ).status,
      ).toBe(201);
    await register({ twinId: hall, twinType: 'production-line' });
    for (let i = 0; i < 25; i++)
      await register({ twinId: `${hall}-m${i}`, twinType: 'cnc-milling-machine', parentId: hall });
    // The roll-up's members are the hall's children: each attach is an event of the hall's own,
    // which the live state may fold after the machine's registration.
    await eventually(
      async () => ((await get(`/v1/twins/${hall}`)).json.children?.length ?? 0) === 25,
      'the live state knows the hall has its 25 machines',
    );
    const path = `/v1/twins/${hall}/telemetry/rollup?property=power_consumption&from=${at(0)}&to=${at(3_600)}`;
    // 25 members × 3,600 windows is 90,000 series-windows, over the budget of 20,000: at most
    // 800 windows each, so every must be at least 3,600 s / 800, rounded up to 5s.
    const refused = await get(`${path}&every=1s`);
    expect([refused.status, refused.json.error.code]).toEqual([400, 'QUERY_INVALID']);
    expect(refused.json.error.details).toMatchObject({
      parameter: 'every',
      windows: 3_600,
      maxWindows: 800,
      smallestEvery: '5s',
      series: 25,
      budget: 20_000,
    });
    expect(refused.json.error.message).toMatch(/25 members .*at least 5s/);
    const fits = await get(`${path}&every=5s`);
    expect([fits.status, fits.json.every, fits.json.series[0].members]).toEqual([200, '5s', 25]);
    const chosen = TELEMETRY_ROLLUP_ANSWER.parse((await get(path)).json);
    expect(chosen.everyChosen).toBe(true);
    expect((3_600_000 / chosen.everyMs) * 25).toBeLessThanOrEqual(20_000);
  });
});

describe('telemetry for charts with authentication on (embedded)', () => {
  let h: TwinStateHarness;
  let ids: { line: string; a: string; b: string; c: string };
  let admin: Record<string, string>;

  beforeAll(async () => {
    h = await startTwinStateHarness('embedded', { TWINLOG_AUTH: 'on' });
    const file = join(mkdtempSync(join(tmpdir(), 'twinlog-keys-')), 'admin.key');
    await ensureBootstrapKey(h.infra.log.accessKeys, file, true);
    admin = { authorization: `Bearer ${readFileSync(file, 'utf8').trim()}` };
    const p = await plant(h, 'auth');
    ids = p.ids;
    await p.build(admin);
  });
  afterAll(async () => h?.close());

  it("needs a credential; a viewer of plant-a gets 404 for plant-b's twin and rolls up only plant-a's machines", async () => {
    const path = `/v1/twins/${ids.a}/telemetry?property=temperature&from=${at(0)}&to=${at(120)}`;
    expect((await h.call('GET', path)).status).toBe(401);
    const key = await h.call(
      'POST',
      '/v1/admin/keys',
      { name: 'plant-a viewer', role: 'viewer', sites: ['plant-a'] },
      admin,
    );
    expect(key.status).toBe(201);
    const viewer = { authorization: `Bearer ${key.json.key}` };
    expect((await h.call('GET', path, undefined, viewer)).status).toBe(200);
    const other = await h.call(
      'GET',
      `/v1/twins/${ids.c}/telemetry?property=temperature`,
      undefined,
      viewer,
    );
    expect([other.status, other.json.error.code]).toEqual([404, 'TWIN_NOT_FOUND']);
    const rollUp = await h.call(
      'GET',
      `/v1/twins/${ids.line}/telemetry/rollup?property=power_consumption&from=${at(0)}&to=${at(120)}&every=1m`,
      undefined,
      viewer,
    );
    expect(rollUp.json.series[0]).toMatchObject({
      members: 2,
      windows: [
        { start: at(0), value: 16.5, members: 2, points: 3 },
        { start: at(60), value: 5, members: 1, points: 1 },
      ],
    });
  });
});
