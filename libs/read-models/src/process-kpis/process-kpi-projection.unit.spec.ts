import type { EventEnvelope, Reading } from '@twinlog/domain';
import type { ProcessKpiSettings } from './kpi-settings';
import { kpiReadingId, PROCESS_KPI_PRODUCER, ProcessKpiProjection } from './process-kpi-projection';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();
let seq = 0;

function envelope(
  twinId: string,
  event: Pick<EventEnvelope, 'type' | 'data'>,
  s: number,
  producer = 'spec',
) {
  seq += 1;
  return {
    ...event,
    id: `e${seq}`,
    twinId,
    revision: seq,
    schemaVersion: 2,
    occurredAt: iso(s),
    recordedAt: iso(s),
    correlationId: `c${seq}`,
    causationId: null,
    producer,
  } as EventEnvelope;
}

const registered = (twinId: string, twinType: string, parentId: string | null) =>
  envelope(
    twinId,
    {
      type: 'TwinRegistered',
      data: {
        twinType,
        modelVersion: 1,
        level: 'asset',
        parentId,
        site: null,
        name: null,
        limits: {},
      },
    },
    0,
  );

const reading = (twinId: string, property: string, s: number, value: number): EventEnvelope =>
  envelope(
    twinId,
    {
      type: 'TelemetryReported',
      data: {
        readings: [
          {
            readingId: `${twinId}/${property}/${s}`,
            property,
            value,
            unit: '1',
            occurredAt: iso(s),
          },
        ],
      },
    },
    s,
  );

// Ideal cycle 100 s, a 10-minute window: small enough to compute by hand.
const SETTINGS: ProcessKpiSettings = {
  idealCycleTimeS: 100,
  windowMs: 600_000,
  ranges: new Map([
    ['throughput', { min: 0, max: 50_000 }],
    ['cycle_time', { min: 0, max: 86_400 }],
    ['availability', { min: 0, max: 1 }],
    ['performance', { min: 0, max: 1 }],
    ['quality', { min: 0, max: 1 }],
    ['oee', { min: 0, max: 1 }],
    ['wip', { min: 0, max: 100_000 }],
  ]),
};
const settingsOf = (type: string) => (type === 'machining-process' ? SETTINGS : undefined);
const isMachine = (type: string) => type === 'cnc-milling-machine';

function plant(ids = { process: 'proc', line: 'line', m1: 'm1', m2: 'm2' }): {
  registrations: EventEnvelope[];
  readings: EventEnvelope[];
} {
  const registrations = [
    registered(ids.process, 'machining-process', null),
    registered(ids.line, 'production-line', ids.process),
    registered(ids.m1, 'cnc-milling-machine', ids.line),
    registered(ids.m2, 'cnc-milling-machine', ids.line),
  ];
  const readings: EventEnvelope[] = [];
  // m1 reports its state every minute: running, idle, running, down (300-420 s), idle, running.
  const m1States = [2, 2, 1, 2, 2, 0, 0, 1, 2, 2, 2];
  m1States.forEach((state, i) => readings.push(reading(ids.m1, 'machine_state', i * 60, state)));
  // Parts: one at 120 s, the one under a breaking tool at 300 s (scrap), one at 600 s.
  for (const [s, made] of [
    [0, 10],
    [120, 11],
    [300, 12],
    [600, 13],
  ] as const)
    readings.push(reading(ids.m1, 'parts_produced', s, made));
  for (const [s, scrap] of [
    [0, 1],
    [300, 2],
  ] as const)
    readings.push(reading(ids.m1, 'parts_scrapped', s, scrap));
  // m2: idle at 0, then silent (past the 5-minute hold) until it runs from 500 s; its counter
  // is reset at 550 s (a restart) and counts one part at 600 s.
  for (const [s, state] of [
    [0, 1],
    [500, 2],
    [600, 2],
  ] as const)
    readings.push(reading(ids.m2, 'machine_state', s, state));
  for (const [s, made] of [
    [0, 5],
    [550, 0],
    [600, 1],
  ] as const)
    readings.push(reading(ids.m2, 'parts_produced', s, made));
  return { registrations, readings };
}

function projectionOf(events: EventEnvelope[]): ProcessKpiProjection {
  const projection = new ProcessKpiProjection(settingsOf, isMachine);
  projection.apply(events);
  return projection;
}

describe('ProcessKpiProjection', () => {
  const { registrations, readings } = plant();
  const all = [...registrations, ...readings];

  it('computes OEE by hand: availability, performance, quality and their product', () => {
    const kpis = projectionOf(all).kpisAt('proc', T0 + 600_000)!;
    // Planned: both machines the whole 600 s. Run: m1 360 s; m2 100 s (300 s idle held, then
    // 200 s silent: unobserved, counted as down).
    expect(kpis.basis).toEqual({
      runS: 460,
      plannedS: 1200,
      unobservedS: 200,
      total: 4,
      scrap: 1,
      windowS: 600,
    });
    expect(kpis.availability).toBeCloseTo(460 / 1200, 12);
    expect(kpis.performance).toBeCloseTo((100 * 4) / 460, 12);
    expect(kpis.quality).toBeCloseTo(0.75, 12);
    expect(kpis.oee).toBeCloseTo(0.25, 12);
    expect(kpis.throughput).toBeCloseTo(18, 12); // 3 good parts in 10 minutes
    expect(kpis.cycle_time).toBeCloseTo(115, 12); // 460 s of run for 4 parts
    expect(kpis.wip).toBe(2); // both machines are cutting at 600 s
  });

  it('windows: earlier moments see only their past, and a short history shortens the window', () => {
    const projection = projectionOf(all);
    const at300 = projection.kpisAt('proc', T0 + 300_000)!;
    // The down reading at 300 s holds from then on: not yet in a window ending at 300 s.
    expect(at300.basis).toEqual({
      runS: 240,
      plannedS: 600,
      unobservedS: 0,
      total: 2,
      scrap: 1,
      windowS: 300,
    });
    expect(at300.throughput).toBeCloseTo(12, 12);
    expect(at300.wip).toBe(0); // m1 is down, m2 idle
    // A machine down the whole window: availability 0 and so OEE 0, though it made no parts.
    const at420 = projection.kpisAt('proc', T0 + 400_000)!;
    expect(at420.wip).toBe(0);
    const down = projectionOf([
      ...registrations,
      reading('m1', 'machine_state', 0, 0),
      reading('m1', 'machine_state', 240, 0),
      reading('m1', 'machine_state', 480, 0),
    ]).kpisAt('proc', T0 + 600_000)!;
    expect(down).toMatchObject({ availability: 0, oee: 0, wip: 0 });
    expect(down.quality).toBeUndefined();
    expect(down.cycle_time).toBeUndefined();
    // Moving the window past the readings: both machines silent the whole window, so down.
    const later = projection.kpisAt('proc', T0 + 3_600_000)!;
    expect(later.basis).toMatchObject({ runS: 0, plannedS: 1200, unobservedS: 1200, total: 0 });
    expect(later).toMatchObject({ availability: 0, oee: 0, wip: 0 });
  });

  it('rebuilds the same figures from the same events in any batching and interleaving', () => {
    const whole = projectionOf(all);
    const oneByOne = new ProcessKpiProjection(settingsOf, isMachine);
    for (const event of all) oneByOne.apply([event]);
    // Readings first, registrations last (telemetry and twin-events are separate streams),
    // m2's readings before m1's (separate partitions).
    const shuffled = projectionOf([
      ...readings.filter((e) => e.twinId === 'm2'),
      ...readings.filter((e) => e.twinId === 'm1'),
      ...registrations,
    ]);
    for (let s = 0; s <= 900; s += 30) {
      const expected = whole.kpisAt('proc', T0 + s * 1000);
      expect(oneByOne.kpisAt('proc', T0 + s * 1000)).toEqual(expected);
      expect(shuffled.kpisAt('proc', T0 + s * 1000)).toEqual(expected);
    }
    expect(oneByOne.due()).toEqual(whole.due());
  });

  it('says which minutes are due, once; their readings in the log make a replay append nothing', () => {
    const projection = projectionOf(all);
    const due = projection.due();
    // The newest reading is at 600 s: minutes up to 540 s are closed (15 s of grace); the
    // first 100 s (a sixth of the window) are the warm-up.
    expect(due.map((d) => (d.at - T0) / 1000)).toEqual([120, 180, 240, 300, 360, 420, 480, 540]);
    expect(projection.due()).toEqual([]);
    const at300 = due.find((d) => d.at === T0 + 300_000)!;
    expect(at300.readings).toEqual(
      expect.arrayContaining([
        {
          readingId: kpiReadingId('proc', 'availability', T0 + 300_000),
          property: 'availability',
          value: 0.4,
          unit: '1',
          occurredAt: iso(300),
        },
        expect.objectContaining({ property: 'throughput', value: 12, unit: 'parts/h' }),
        expect.objectContaining({ property: 'wip', value: 0, unit: 'parts' }),
      ]),
    );
    // A replay that finds them in the log (the process twin's own readings) has nothing due.
    const appended = due.map((d) =>
      envelope(
        'proc',
        { type: 'TelemetryReported', data: { readings: d.readings } },
        (d.at - T0) / 1000,
        PROCESS_KPI_PRODUCER,
      ),
    );
    const replayed = projectionOf([...all, ...appended]);
    expect(replayed.due()).toEqual([]);
    // New readings close the next minutes only.
    replayed.apply([reading('m1', 'machine_state', 700, 2)]);
    expect(replayed.due().map((d) => (d.at - T0) / 1000)).toEqual([600, 660]);
    // A failed append is taken back and due again.
    replayed.forget('proc', T0 + 600_000);
    expect(replayed.due().map((d) => (d.at - T0) / 1000)).toEqual([660]);
  });

  it('counts a minute appended only from its own producer’s events, never from a reading id', () => {
    const projection = projectionOf(all);
    const reading = (property: string, s: number, value: number): Reading => ({
      readingId: kpiReadingId('proc', property, T0 + s * 1000),
      property,
      value,
      unit: '1',
      occurredAt: iso(s),
    });
    // Forged: the figures' own id form, a minute far ahead, from anyone but the projector.
    projection.apply([
      envelope(
        'proc',
        { type: 'TelemetryReported', data: { readings: [reading('oee', 3600, 0.01)] } },
        540,
        'ingestion',
      ),
      envelope(
        'proc',
        { type: 'TelemetryReported', data: { readings: [reading('oee', 540, 0.9)] } },
        540,
        'ingestion',
      ),
    ]);
    const due = projection.due();
    expect(due.map((d) => (d.at - T0) / 1000)).toEqual([120, 180, 240, 300, 360, 420, 480, 540]);
    expect(due).toEqual(projectionOf(all).due());
  });

  it('keeps hostile names apart: Object built-ins as ids and properties', () => {
    const ids = { process: '__proto__', line: 'constructor', m1: 'hasOwnProperty', m2: 'toString' };
    const { registrations: r, readings: rd } = plant(ids);
    const projection = projectionOf([
      ...r,
      ...rd,
      reading('hasOwnProperty', '__proto__', 30, 7),
      reading('toString', 'constructor', 30, 7),
    ]);
    expect(projection.processes()).toEqual(['__proto__']);
    expect(projection.kpisAt('__proto__', T0 + 600_000)).toEqual(
      projectionOf(all).kpisAt('proc', T0 + 600_000),
    );
    expect(projection.kpisAt('constructor', T0)).toBeUndefined();
    expect(projection.kpisAt('valueOf', T0)).toBeUndefined();
  });

  it('a parentage cycle ends, and a long run counts only its window', () => {
    const projection = projectionOf([
      ...registrations,
      registered('a', 'x', 'b'),
      registered('b', 'x', 'a'),
      reading('a', 'machine_state', 0, 2),
    ]);
    expect(projection.kpisAt('proc', T0)!.wip).toBe(0);
    const long = new ProcessKpiProjection(settingsOf, isMachine);
    long.apply(registrations);
    for (let s = 0; s <= 6 * 3600; s += 60) long.apply([reading('m1', 'machine_state', s, 2)]);
    const kpis = long.kpisAt('proc', T0 + 6 * 3_600_000)!;
    expect(kpis.basis.runS).toBe(600);
    // m2 is registered and never reported: planned, unobserved, down.
    expect(kpis.basis).toMatchObject({ plannedS: 1200, unobservedS: 600 });
    expect(kpis.availability).toBe(0.5);
  });
});

describe('ProcessKpiProjection in outages and glitches', () => {
  const line = [
    registered('proc', 'machining-process', null),
    registered('line', 'production-line', 'proc'),
    ...['m1', 'm2', 'm3'].map((m) => registered(m, 'cnc-milling-machine', 'line')),
  ];
  /** Every machine runs and reports each minute up to `until` s, m1 on to `m1Until`. */
  function running(until: number, m1Until = until): EventEnvelope[] {
    const out: EventEnvelope[] = [];
    for (let s = 0; s <= m1Until; s += 60)
      for (const m of ['m1', 'm2', 'm3'])
        if (m === 'm1' || s <= until) out.push(reading(m, 'machine_state', s, 2));
    return out;
  }

  it('counts a silent machine as down for the whole window, not as absent', () => {
    const projection = projectionOf([...line, ...running(1200, 2400)]);
    const kpis = projection.kpisAt('proc', T0 + 2_400_000)!;
    // m2 and m3 went silent at 1200 s (held to 1500 s): 600 s each unobserved in 1800-2400 s.
    expect(kpis.basis).toMatchObject({ runS: 600, plannedS: 1800, unobservedS: 1200 });
    expect(kpis.availability).toBeCloseTo(1 / 3, 12);
    const last = projection.due().at(-1)!;
    expect(last.at).toBe(T0 + 2_340_000);
    const availability = last.readings.find((r) => r.property === 'availability')!;
    expect(availability.value).toBeCloseTo(1 / 3, 3);
  });

  it('closes minutes on the log’s time when every machine is silent: a total stop reads 0', () => {
    const projection = projectionOf([...line, ...running(1200)]);
    expect(projection.due().at(-1)!.at).toBe(T0 + 1_140_000);
    // An hour on, only another twin's event moves the log's time (or the follower's clock).
    projection.apply([reading('elsewhere', 'temperature', 3600, 20)]);
    const due = projection.due();
    // Silent longer than the hold (300 s) from 1200 s: minutes close up to 3600 - 300 - 15 s.
    expect(due.at(-1)!.at).toBe(T0 + 3_240_000);
    const figures = new Map(due.at(-1)!.readings.map((r) => [r.property, r.value]));
    expect(figures.get('availability')).toBe(0);
    expect(figures.get('oee')).toBe(0);
    // The clock alone does it too, with nothing appended at all.
    const quiet = projectionOf([...line, ...running(1200)]);
    quiet.due();
    quiet.observe(T0 + 3_600_000);
    expect(quiet.due().at(-1)!.at).toBe(T0 + 3_240_000);
  });

  it('ignores an implausible counter step (a glitch or a swapped counter) and counts it', () => {
    const counter = (s: number, v: number) => reading('m1', 'parts_produced', s, v);
    const projection = projectionOf([
      ...line,
      counter(0, 10),
      counter(100, 11),
      counter(200, 1e9), // a glitch: 6 parts at most in 10 minutes at 100 s each
      counter(300, 1e9 + 1),
      counter(400, 12), // back: a "reset" to 12, more than 6, is no reset
      counter(500, 13),
    ]);
    expect(projection.kpisAt('proc', T0 + 600_000)!.basis.total).toBe(3);
    expect(projection.glitchCount).toBe(2);
    expect(projection.takeGlitches()).toEqual([
      { twinId: 'm1', property: 'parts_produced', at: iso(200), from: 11, to: 1e9 },
      { twinId: 'm1', property: 'parts_produced', at: iso(400), from: 1e9 + 1, to: 12 },
    ]);
    expect(projection.takeGlitches()).toEqual([]);
  });

  it('caps the watermark at the record time: a machine clock ahead closes no minute early', () => {
    const ahead = { ...reading('m1', 'machine_state', 1500, 2), recordedAt: iso(1200) };
    const projection = projectionOf([...line, ...running(1200), ahead]);
    expect(projection.due().at(-1)!.at).toBe(T0 + 1_140_000);
  });
});
