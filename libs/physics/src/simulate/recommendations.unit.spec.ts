import { compareResults } from '../compare/compare-results';
import { cncMillingMachine } from '../models/cnc/cnc-milling-machine.model';
import { runSimulation } from '../run/run-simulation';
import type { SimulationResult, SimulationSubject } from '../run/simulation-result';
import { summaryOf } from '../run/simulation-summary';
import { parseScenario, type ScenarioInput } from '../scenario/scenario';
import { compileSchedule } from '../scenario/schedule';
import { CNC_LIMITS, cncTwinModel } from '../testing/cnc-fixtures';

const START = '2026-03-01T12:00:00.000Z';
const LIMITS = {
  maxHorizonSeconds: 3650 * 86_400,
  maxSteps: 100_000,
  maxSamples: 10_000,
  maxWork: 5_000_000,
  defaultCalibrationWindowSeconds: 0,
  maxCalibrationWindowSeconds: 86_400,
};
// Cutting at load 0.7 and nominal speed, settled; a tool that lasts (wear stays out of it).
const cutting: SimulationSubject = {
  twinId: 'mill-1',
  twinModel: cncTwinModel({ tool_life_h: 1000 }),
  limits: CNC_LIMITS,
  resetAt: {},
  readings: Object.entries({
    temperature: 43.25,
    spindle_speed: 8000,
    power_consumption: 8.5,
    tool_wear: 0.1,
  }).map(([property, value]) => ({ property, time: START, value })),
  startAt: START,
};

function run(scenario: ScenarioInput, subject = cutting): SimulationResult {
  const steps = runSimulation(subject, parseScenario(scenario, LIMITS));
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

const alarmAt = (r: SimulationResult) =>
  r.crossings.find((c) => c.property === 'temperature' && c.level === 'alarm')?.atSeconds ?? null;

// Cooling down to 30% with the spindle 20% faster: settles at 22 + 2.5·(1.5 + 7·1.2)/0.3 = 104.5 °C.
const overheating: ScenarioInput = {
  label: 'cooling at 30%, spindle +20%',
  horizon: '24h',
  step: '1m',
  perturbations: [
    { kind: 'fail', target: 'cooling_capacity', remaining: 0.3 },
    { kind: 'step', target: 'spindle_speed', percent: 20 },
  ],
};

describe('recommendations', () => {
  const result = run(overheating);
  const advice = (code: string) => result.recommendations.filter((r) => r.code === code);

  it('says when the first alarm comes', () => {
    expect(result.riskLevel).toBe('critical');
    // The same analytic time as the restore below: 3433.6 s.
    const [act] = advice('ACT_BEFORE');
    expect(act).toMatchObject({ property: 'temperature', deadlineSeconds: alarmAt(result) });
    expect(alarmAt(result)).toBeCloseTo(3433.6, 0);
    expect(act!.message).toMatch(
      /^temperature reaches its alarm limit \(85 °C\) at T\+57 min: act before then\.$/,
    );
  });

  it('finds the spindle speed that keeps the temperature under its alarm limit, and it does', () => {
    // Analytic: 85 °C at steady state needs P = 63·0.3/2.5 = 7.56 kW, i.e. 8000·6.06/7 = 6926 rpm.
    const speed = advice('LIMIT_CONTROL').find((r) => r.control === 'spindle_speed')!;
    expect(speed.value).toBeGreaterThan(6850);
    expect(speed.value).toBeLessThanOrEqual(6926);
    expect(speed.message).toMatch(
      /Keep the spindle speed at or below 6,9\d0 rpm \(it reaches 9,600 rpm/,
    );
    const at = (rpm: number) =>
      run({
        ...overheating,
        perturbations: [
          overheating.perturbations![0]!,
          { kind: 'set', target: 'spindle_speed', value: rpm },
        ],
      });
    expect(alarmAt(at(speed.value!))).toBeNull();
    expect(alarmAt(at(speed.value! * 1.02))).not.toBeNull();
  });

  it('says how soon the cooling must be back, at the analytic time', () => {
    // T(u) = 104.5 + (43.25 − 104.5)·exp(−0.3u/900) = 85 at u = 3000·ln(61.25/19.5) = 3433.6 s.
    const [restore] = advice('RESTORE_WITHIN');
    expect(restore!.control).toBe('cooling_capacity');
    expect(restore!.deadlineSeconds).toBeGreaterThan(3433.6 - 60);
    expect(restore!.deadlineSeconds).toBeLessThanOrEqual(3433.6);
    const restored = run({
      ...overheating,
      perturbations: [
        { ...overheating.perturbations![0]!, until: restore!.deadlineSeconds! },
        overheating.perturbations![1]!,
      ],
    });
    expect(alarmAt(restored)).toBeNull();
  });

  it('advises a tool change before the wear limit, and nothing when no limit is reached', () => {
    const worn = run({ horizon: '2h', step: '1m' }, { ...cutting, twinModel: cncTwinModel() });
    const remedy = worn.recommendations.find(
      (r) => r.code === 'REMEDY' && r.property === 'tool_wear',
    )!;
    // Life 1 h at this load and speed: from 0.1 the alarm (0.9) is 0.8 h away.
    expect(remedy.deadlineSeconds).toBeCloseTo(0.8 * 3600, 0);
    expect(remedy.message).toMatch(/^Change the tool before T\+48 min/);
    const calm = run({ horizon: '2h', step: '1m' });
    expect(calm.recommendations).toEqual([
      { code: 'NO_ACTION', message: 'No limit is reached within 2 h.' },
    ]);
    expect(calm.riskLevel).toBe('low');
  });

  it('compares a scenario with its mitigation, and keeps a small summary for the audit trail', () => {
    const mitigated = run({
      ...overheating,
      perturbations: [
        overheating.perturbations![0]!,
        { kind: 'set', target: 'spindle_speed', value: 6000 },
      ],
    });
    const comparison = compareResults(result, mitigated);
    expect(comparison).toMatchObject({
      verdict: 'alternative-better',
      riskLevel: { base: 'critical', alternative: 'medium' },
    });
    expect(comparison.limits).toContainEqual(
      expect.objectContaining({ property: 'temperature', level: 'alarm', alternative: null }),
    );
    expect(comparison.properties['temperature']!.peak[1]).toBeLessThan(85);
    expect(compareResults(result, result).verdict).toBe('same');
    const summary = summaryOf('sim-1', result);
    expect(summary).toMatchObject({ simulationId: 'sim-1', riskLevel: 'critical' });
    expect(summary.firstLimit?.level).toBe('warning');
    expect(JSON.stringify(summary).length).toBeLessThan(4000);
  });
});

describe('a compiled schedule', () => {
  it('holds a set, undoes a failure at its end, and ramps a parameter only while the ramp lasts', () => {
    const model = cncMillingMachine();
    const schedule = compileSchedule(
      parseScenario(
        {
          horizon: '4h',
          perturbations: [
            {
              kind: 'ramp',
              target: 'ambient_temperature_c',
              at: '1h',
              until: '2h',
              ratePerHour: 6,
            },
            { kind: 'fail', target: 'cooling_capacity', at: '30m', until: '90m', remaining: 0.1 },
            { kind: 'step', target: 'spindle_speed', at: '3h', factor: 2 },
            { kind: 'set', target: 'spindle_speed', at: '3h', value: 1000 },
          ],
        },
        LIMITS,
      ),
      model,
    );
    const names = [...model.inputs, ...model.parameters.map((p) => p.name)];
    const value = (name: string, t: number, base: number) => {
      const s = schedule.segments.find((g) => g.start <= t && t < g.end)!;
      const i = names.indexOf(name);
      return s.alpha[i]! * base + s.beta[i]! + s.gamma[i]! * t;
    };
    expect([0, 5400, 7200, 10_000].map((t) => value('ambient_temperature_c', t, 22))).toEqual([
      22, 25, 28, 28,
    ]);
    expect([0, 2000, 5500].map((t) => value('cooling_capacity', t, 1))).toEqual([1, 0.1, 1]);
    // Same time: in the order given, the set wins over the step before it.
    expect(value('spindle_speed', 11_000, 8000)).toBe(1000);
  });
});
