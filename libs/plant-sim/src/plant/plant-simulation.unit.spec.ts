import type { PlantSample } from '../readings';
import { faultTimeline, type FaultSpec } from './faults';
import { plantLayout } from './plant-layout';
import { PlantSimulation, type PlantSimulationOptions } from './plant-simulation';

const START = Date.parse('2026-01-01T00:00:00Z');
const MIN = 60_000;

function run(
  options: Partial<PlantSimulationOptions>,
  minutes: number,
  intervalMs = 10_000,
): PlantSample[] {
  const sim = new PlantSimulation({ machines: 3, seed: 42, startMs: START, ...options });
  const samples: PlantSample[] = [];
  for (let t = 0; t < minutes * MIN; t += intervalMs) samples.push(sim.sample(START + t));
  return samples;
}

/** One sensor's series: [plant minutes since start, value]. */
function series(samples: PlantSample[], twinId: string, property: string): Array<[number, number]> {
  return samples.flatMap((s) =>
    s.readings
      .filter((r) => r.twinId === twinId && r.property === property)
      .map((r): [number, number] => [(s.atMs - START) / MIN, r.value]),
  );
}

const values = (s: Array<[number, number]>, from = 0, to = Infinity) =>
  s.filter(([m]) => m >= from && m < to).map(([, v]) => v);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('PlantSimulation', () => {
  it('holds a machine idle through a planned stop, and leaves the others as they were', () => {
    const stops = [{ machine: 'cnc-02', startS: 20 * 60, durationS: 30 * 60 }];
    const plain = run({ faults: [] }, 80);
    const stopped = run({ faults: [], stops }, 80);
    const state = (samples: PlantSample[]) => series(samples, 'cnc-02', 'machine_state');
    // Idle (1) throughout once the part under way at the start of the stop is done.
    expect(values(state(stopped), 26, 50).every((v) => v === 1)).toBe(true);
    expect(values(series(stopped, 'cnc-02', 'spindle_speed'), 26, 50).every((v) => v === 0)).toBe(
      true,
    );
    expect(values(state(plain), 26, 50).some((v) => v === 2)).toBe(true);
    // It works again after the stop, and the other machines never noticed.
    expect(values(state(stopped), 50, 80).some((v) => v === 2)).toBe(true);
    expect(series(stopped, 'cnc-01', 'power_consumption')).toEqual(
      series(plain, 'cnc-01', 'power_consumption'),
    );
  });

  it('is deterministic for a seed', () => {
    const a = run({}, 60);
    expect(run({}, 60)).toEqual(a);
    expect(run({ seed: 43 }, 60)).not.toEqual(a);
    expect(a[0]!.readings[0]).toEqual({
      twinId: 'cnc-01',
      property: 'temperature',
      value: expect.any(Number),
      unit: '°C',
      time: '2026-01-01T00:00:00.000Z',
      readingId: `cnc-01/temperature/${START}`,
    });
  });

  it('runs the same process whatever the sampling: tool changes at the same moments', () => {
    const changes = (samples: PlantSample[]) => samples.flatMap((s) => s.maintenance);
    const coarse = changes(run({}, 360, 7_000));
    expect(coarse.length).toBeGreaterThan(6);
    expect(changes(run({}, 360, 1_000))).toEqual(coarse);
  });

  it('keeps a healthy plant physically plausible, with tool changes before the wear limit', () => {
    const samples = run({}, 6 * 60);
    const all = samples.flatMap((s) => s.readings);
    for (const r of all) expect(Number.isFinite(r.value) && r.value >= 0).toBe(true);
    const of = (property: string, twin = /^cnc-\d+$/) =>
      all.filter((r) => r.property === property && twin.test(r.twinId)).map((r) => r.value);
    const within = (v: number[], low: number, high: number) => {
      expect(Math.min(...v)).toBeGreaterThanOrEqual(low);
      expect(Math.max(...v)).toBeLessThanOrEqual(high);
    };
    within(of('temperature'), 22, 65);
    within(of('temperature', /-spindle$/), 22, 70);
    within(of('vibration'), 0, 2.8);
    within(of('tool_wear'), 0, 0.6);
    within(of('power_consumption'), 1, 15);
    within(of('flow_rate', /-coolant$/), 18, 22);
    // The spindle is either stopped or turning near its nominal 8000 rpm, parts with idle gaps.
    const speeds = of('spindle_speed');
    for (const s of speeds) expect(s === 0 || (s > 6700 && s < 9300)).toBe(true);
    const running = speeds.filter((s) => s > 0).length / speeds.length;
    expect(running).toBeGreaterThan(0.6);
    expect(running).toBeLessThan(0.95);
    // Temperature follows load: hotter on average while cutting than while idle.
    const t = series(samples, 'cnc-01', 'power_consumption');
    expect(Math.max(...values(t))).toBeGreaterThan(8);
    within(values(series(samples, 'line-1', 'throughput')), 20, 60);
    expect(samples.flatMap((s) => s.maintenance).every((m) => m.notes.startsWith('planned'))).toBe(
      true,
    );
  });

  it('cooling degradation heats only its machine, and its coolant pump shows why', () => {
    const faults: FaultSpec[] = [
      {
        kind: 'cooling-degradation',
        machine: 'cnc-01',
        startS: 600,
        rampS: 1200,
        remainingCapacity: 0.3,
      },
    ];
    const healthy = run({}, 120);
    const faulty = run({ faults }, 120);
    const temp = series(faulty, 'cnc-01', 'temperature');
    const before = mean(values(temp, 0, 10));
    expect(mean(values(temp, 90))).toBeGreaterThan(before + 15);
    expect(mean(values(series(faulty, 'cnc-01-spindle', 'temperature'), 90))).toBeGreaterThan(
      mean(values(series(healthy, 'cnc-01-spindle', 'temperature'), 90)) + 10,
    );
    expect(mean(values(series(faulty, 'cnc-01-coolant', 'flow_rate'), 40))).toBeLessThan(7);
    expect(mean(values(series(faulty, 'cnc-01-coolant', 'pressure'), 40))).toBeLessThan(1);
    // Before the fault, and on the other machines, nothing changes at all.
    for (const [twin, property] of [
      ['cnc-01', 'temperature'],
      ['cnc-02', 'temperature'],
      ['cnc-03-coolant', 'flow_rate'],
    ] as const) {
      const h = series(healthy, twin, property);
      const f = series(faulty, twin, property);
      expect(twin === 'cnc-01' ? values(f, 0, 10) : values(f)).toEqual(
        twin === 'cnc-01' ? values(h, 0, 10) : values(h),
      );
    }
    expect(faulty.flatMap((x) => x.notes)).toEqual([
      {
        at: '2026-01-01T00:10:00.000Z',
        twinId: 'cnc-01',
        message: expect.stringContaining('coolant pump declining to 30%'),
      },
    ]);
  });

  it('tool wear runs to failure: wear and vibration climb, the tool breaks, the machine stops, a new tool follows', () => {
    const faults: FaultSpec[] = [
      {
        kind: 'tool-wear-to-failure',
        machine: 'cnc-02',
        startS: 0,
        wearRateFactor: 2,
        repairS: 300,
      },
    ];
    const samples = run({ faults }, 120, 5_000);
    const notes = samples.flatMap((s) => s.notes);
    const broke = notes.find((n) => n.message.includes('tool broke'));
    expect(broke).toMatchObject({ twinId: 'cnc-02-tool' });
    const brokeMin = (Date.parse(broke!.at) - START) / MIN;
    const wear = series(samples, 'cnc-02-tool', 'tool_wear');
    expect(Math.max(...values(wear, 0, brokeMin + 1))).toBeGreaterThanOrEqual(0.99);
    // Chatter: the last minutes before the break shake far more than a healthy cut.
    const vibration = series(samples, 'cnc-02', 'vibration');
    expect(Math.max(...values(vibration, brokeMin - 5, brokeMin + 0.2))).toBeGreaterThan(3);
    expect(Math.max(...values(series(run({}, 120, 5_000), 'cnc-02', 'vibration')))).toBeLessThan(
      2.8,
    );
    // Stopped for the repair, then a new tool, recorded on the tool and on the machine.
    expect(
      values(series(samples, 'cnc-02', 'spindle_speed'), brokeMin + 0.5, brokeMin + 4.5),
    ).toEqual(expect.arrayContaining([0]));
    expect(
      new Set(values(series(samples, 'cnc-02', 'spindle_speed'), brokeMin + 0.5, brokeMin + 4.5)),
    ).toEqual(new Set([0]));
    const replaced = samples
      .flatMap((s) => s.maintenance)
      .filter((m) => m.notes.startsWith('broken tool'));
    expect(replaced).toEqual([
      expect.objectContaining({
        twinId: 'cnc-02-tool',
        kind: 'tool-replaced',
        resets: ['tool_wear'],
      }),
      expect.objectContaining({ twinId: 'cnc-02', componentId: 'cnc-02-tool' }),
    ]);
    const repairedMin = (Date.parse(replaced[0]!.performedAt) - START) / MIN;
    expect(repairedMin).toBeCloseTo(brokeMin + 5, 5);
    expect(Math.max(...values(wear, repairedMin + 0.1, repairedMin + 2))).toBeLessThan(0.1);
  });

  it('reports what OEE needs: the machine state, a parts counter and a scrap counter', () => {
    const faults: FaultSpec[] = [
      {
        kind: 'tool-wear-to-failure',
        machine: 'cnc-02',
        startS: 0,
        wearRateFactor: 2,
        repairS: 300,
      },
    ];
    const samples = run({ faults }, 120, 5_000);
    for (const machine of ['cnc-01', 'cnc-02', 'cnc-03']) {
      const state = values(series(samples, machine, 'machine_state'));
      const speed = values(series(samples, machine, 'spindle_speed'));
      // Running exactly while the spindle turns; the codes are 0 down, 1 idle, 2 running.
      expect(state.map((s) => s === 2)).toEqual(speed.map((s) => s > 0));
      expect(new Set(state).has(2) && new Set(state).has(1)).toBe(true);
      const made = values(series(samples, machine, 'parts_produced'));
      const scrap = values(series(samples, machine, 'parts_scrapped'));
      // Counters: whole numbers that never step down, scrap a part of the total.
      for (let i = 1; i < made.length; i++) {
        expect(made[i]! - made[i - 1]!).toBeGreaterThanOrEqual(0);
        expect(scrap[i]! - scrap[i - 1]!).toBeGreaterThanOrEqual(0);
        expect(scrap[i]!).toBeLessThanOrEqual(made[i]!);
      }
      expect(made.every(Number.isInteger)).toBe(true);
      // About one part every 4-5 minutes over two hours.
      expect(made.at(-1)! - made[0]!).toBeGreaterThan(15);
      expect(made.at(-1)! - made[0]!).toBeLessThan(45);
    }
    // The broken tool's machine is down during the repair, and the part it was cutting is scrap.
    const broke = samples.flatMap((s) => s.notes).find((n) => n.message.includes('tool broke'))!;
    const brokeMin = (Date.parse(broke.at) - START) / MIN;
    expect(
      new Set(values(series(samples, 'cnc-02', 'machine_state'), brokeMin + 0.2, brokeMin + 4.8)),
    ).toEqual(new Set([0]));
    const scrap = series(samples, 'cnc-02', 'parts_scrapped');
    expect(values(scrap, brokeMin + 0.1, brokeMin + 1)[0]!).toBeGreaterThan(
      values(scrap, brokeMin - 1, brokeMin)[0]!,
    );
  });

  it('a stuck sensor repeats one value exactly while its neighbours keep moving', () => {
    const faults: FaultSpec[] = [
      {
        kind: 'stuck-sensor',
        twinId: 'cnc-03',
        property: 'temperature',
        startS: 600,
        durationS: 1800,
      },
    ];
    const samples = run({ faults }, 60);
    const stuck = series(samples, 'cnc-03', 'temperature');
    expect(new Set(values(stuck, 10, 40)).size).toBe(1);
    expect(new Set(values(stuck, 0, 10)).size).toBeGreaterThan(30);
    expect(new Set(values(stuck, 40)).size).toBeGreaterThan(30);
    expect(
      new Set(values(series(samples, 'cnc-03-spindle', 'temperature'), 10, 40)).size,
    ).toBeGreaterThan(30);
  });

  it('the demo timeline shows each fault within an hour of plant time', () => {
    const layout = plantLayout(3);
    const samples = run({ faults: faultTimeline('demo', layout) }, 60, 5_000);
    const messages = samples.flatMap((s) => s.notes.map((n) => `${n.twinId}: ${n.message}`));
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^cnc-01: fault: coolant/),
        expect.stringMatching(/^cnc-02-tool: tool broke/),
        expect.stringMatching(/^cnc-03: fault: temperature sensor stuck/),
      ]),
    );
    expect(faultTimeline('none', layout)).toEqual([]);
    expect(
      faultTimeline('demo', plantLayout(1)).every((f) => JSON.stringify(f).includes('cnc-01')),
    ).toBe(true);
  });

  it('refuses faults that do not fit the plant and samples out of order', () => {
    const bad = (faults: unknown) => () =>
      new PlantSimulation({ machines: 2, seed: 1, startMs: START, faults: faults as FaultSpec[] });
    expect(
      bad([
        {
          kind: 'tool-wear-to-failure',
          machine: 'cnc-07',
          startS: 0,
          wearRateFactor: 2,
          repairS: 60,
        },
      ]),
    ).toThrow(expect.objectContaining({ code: 'FAULT_INVALID' }));
    expect(
      bad([{ kind: 'stuck-sensor', twinId: 'cnc-01-tool', property: 'pressure', startS: 0 }]),
    ).toThrow(expect.objectContaining({ code: 'FAULT_INVALID' }));
    expect(bad([{ kind: 'melt-down', machine: 'cnc-01' }])).toThrow(
      expect.objectContaining({ code: 'FAULT_INVALID' }),
    );
    const sim = new PlantSimulation({ machines: 1, seed: 1, startMs: START });
    sim.sample(START + 60_000);
    expect(() => sim.sample(START)).toThrow(expect.objectContaining({ code: 'OPTIONS_INVALID' }));
  });
});
