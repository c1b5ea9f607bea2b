import type { EventEnvelope } from '@twinlog/domain';
import { eventually } from '@twinlog/event-log/testing';
import { loadModelCatalog, SEED_MODELS_DIR } from '@twinlog/model-files';
import {
  PROCESS_KPI_PRODUCER,
  ProcessKpiProjection,
  processKpiSettings,
} from '@twinlog/read-models';
import {
  startTwinStateHarness,
  type Mode,
  type TwinStateHarness,
} from '../testing/twin-state-harness';

const MIN = 60_000;
// Whole minutes, two hours ago: the readings' minutes are the figures' minutes.
const T0 = Math.floor((Date.now() - 2 * 3_600_000) / MIN) * MIN;
const iso = (ms: number) => new Date(ms).toISOString();
const START = T0 + 10 * MIN; // the first reading, after commissioning
const catalog = loadModelCatalog(SEED_MODELS_DIR);

/** Minute i of the plant: m2 is down for minutes 10-14, m1 scraps two parts. */
function minute(i: number) {
  const m1 = {
    state: i % 5 === 4 ? 1 : 2,
    made: Math.floor(i / 3),
    scrap: i >= 21 ? 2 : i >= 9 ? 1 : 0,
  };
  const down = i >= 10 && i <= 14;
  const m2 = {
    state: down ? 0 : i % 4 === 3 ? 1 : 2,
    made: Math.floor(Math.min(i, 10) / 4) + Math.floor(Math.max(0, i - 14) / 4),
    scrap: 0,
  };
  return { m1, m2 };
}

const readingsOf = (i: number, m: { state: number; made: number; scrap: number }) => [
  { property: 'machine_state', value: m.state, unit: '1', occurredAt: iso(START + i * MIN) },
  { property: 'parts_produced', value: m.made, unit: 'parts', occurredAt: iso(START + i * MIN) },
  { property: 'parts_scrapped', value: m.scrap, unit: 'parts', occurredAt: iso(START + i * MIN) },
];

/** The same figures from the pure projection, fed the same readings: the reference. */
function reference(minutes: number): ProcessKpiProjection {
  const projection = new ProcessKpiProjection((type, version) =>
    catalog.has(type, version) ? processKpiSettings(catalog.get(type, version)) : undefined,
  );
  const twin = (twinId: string, twinType: string, parentId: string | null) =>
    ({
      type: 'TwinRegistered',
      twinId,
      occurredAt: iso(T0),
      data: { twinType, modelVersion: 1, parentId },
    }) as unknown as EventEnvelope;
  projection.apply([
    twin('proc', 'machining-process', null),
    twin('line', 'production-line', 'proc'),
    twin('m1', 'cnc-milling-machine', 'line'),
    twin('m2', 'cnc-milling-machine', 'line'),
  ]);
  for (let i = 0; i < minutes; i++) {
    const { m1, m2 } = minute(i);
    for (const [id, m] of [
      ['m1', m1],
      ['m2', m2],
    ] as const) {
      projection.apply([
        {
          type: 'TelemetryReported',
          twinId: id,
          occurredAt: iso(START + i * MIN),
          data: {
            readings: readingsOf(i, m).map((r, k) => ({ ...r, readingId: `${id}/${i}/${k}` })),
          },
        } as unknown as EventEnvelope,
      ]);
    }
  }
  return projection;
}

describe.each<Mode>(['embedded', 'kafka'])('the process twin’s key figures (%s)', (mode) => {
  jest.setTimeout(180_000);
  let h: TwinStateHarness;
  afterAll(async () => h?.close());

  const feed = async (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const { m1, m2 } = minute(i);
      await h.report('m1', readingsOf(i, m1));
      await h.report('m2', readingsOf(i, m2));
    }
  };
  const figuresInLog = async () => {
    const { json } = await h.call(
      'GET',
      '/v1/twins/proc/events?types=TelemetryReported&limit=1000',
    );
    return (json.events as Array<{ occurredAt: string; producer: string }>).filter(
      (e) => e.producer === PROCESS_KPI_PRODUCER,
    );
  };

  it('appends them as the process twin’s readings, answers them as of a past time, and a restart appends nothing new', async () => {
    h = await startTwinStateHarness(mode);
    const register = (twinId: string, twinType: string, parentId?: string) =>
      h.call('POST', '/v1/twins', {
        twinId,
        twinType,
        parentId,
        site: 'plant-a',
        commissionedAt: iso(T0),
      });
    expect((await register('proc', 'machining-process')).status).toBe(201);
    expect((await register('line', 'production-line', 'proc')).status).toBe(201);
    expect((await register('m1', 'cnc-milling-machine', 'line')).status).toBe(201);
    expect((await register('m2', 'cnc-milling-machine', 'line')).status).toBe(201);
    await feed(0, 30);

    // Minutes 10 (after the warm-up) to 28 (29 is the newest reading, within the grace).
    const last = START + 28 * MIN;
    await eventually(
      async () => {
        const { json } = await h.call('GET', '/v1/twins/proc');
        return json?.reported?.oee?.occurredAt === iso(last);
      },
      'the process twin’s figures up to minute 28',
      60_000,
    );
    const { json: current } = await h.call('GET', '/v1/twins/proc');
    const expected = reference(30);
    const now = expected.kpisAt('proc', last)!;
    for (const property of ['availability', 'performance', 'quality', 'oee'] as const)
      expect(current.reported[property].value).toBeCloseTo(now[property]!, 4);
    expect(current.reported.throughput).toMatchObject({ unit: 'parts/h' });
    expect(current.reported.throughput.value).toBeCloseTo(now.throughput!, 2);
    expect(current.reported.cycle_time.value).toBeCloseTo(now.cycle_time!, 2);
    expect(current.reported.wip.value).toBe(now.wip);
    expect(now.oee).toBeGreaterThan(0);
    expect(now.availability).toBeLessThan(1); // m2 was down, both idled
    expect(now.quality).toBeLessThan(1); // m1 scrapped two parts

    // As of a past moment: the figures of minute 20, while m2's repair was still in the window.
    const then = START + 20 * MIN;
    const { status, json: past } = await h.call(
      'GET',
      `/v1/twins/proc/history?at=${iso(then + 30_000)}`,
    );
    expect(status).toBe(200);
    expect(past.state.reported.oee.occurredAt).toBe(iso(then));
    expect(past.state.reported.oee.value).toBeCloseTo(expected.kpisAt('proc', then)!.oee!, 4);
    expect(past.state.reported.oee.value).not.toBeCloseTo(current.reported.oee.value, 4);

    const appended = await figuresInLog();
    expect(appended.map((e) => e.occurredAt)).toEqual(
      Array.from({ length: 19 }, (_, k) => iso(START + (10 + k) * MIN)),
    );
    // A restart replays the log, finds its minutes there and appends none of them again.
    await h.restart();
    await eventually(
      async () => (await h.call('GET', '/v1/twins/proc')).status === 200,
      'ready again',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await figuresInLog()).toHaveLength(19);
    // New readings close the next minutes, once.
    await feed(30, 32);
    await eventually(async () => (await figuresInLog()).length === 21, 'minutes 29 and 30');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await figuresInLog()).map((e) => e.occurredAt).slice(-2)).toEqual([
      iso(START + 29 * MIN),
      iso(START + 30 * MIN),
    ]);
  });
});
