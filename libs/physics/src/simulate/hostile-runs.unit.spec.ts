import { isTwinlogError } from '@twinlog/domain';
import { runSimulation } from '../run/run-simulation';
import type { RunOptions, SimulationResult, SimulationSubject } from '../run/simulation-result';
import { parseScenario, type ScenarioInput } from '../scenario/scenario';
import { CNC_LIMITS, cncTwinModel } from '../testing/cnc-fixtures';

const START = '2026-03-01T12:00:00.000Z';
const YEAR = 365.25 * 86_400;
const LIMITS = {
  maxSteps: 100_000,
  maxSamples: 10_000,
  maxWork: 5_000_000,
  maxHorizonSeconds: 100 * YEAR,
  defaultCalibrationWindowSeconds: 0,
  maxCalibrationWindowSeconds: 86_400,
};
const CUTTING = { temperature: 43.25, spindle_speed: 8000, power_consumption: 8.5, tool_wear: 0.1 };

function subject(values: Record<string, number> = CUTTING): SimulationSubject {
  return {
    twinId: 'mill-1',
    twinModel: cncTwinModel(),
    limits: CNC_LIMITS,
    resetAt: {},
    readings: Object.entries(values).map(([property, value]) => ({ property, time: START, value })),
    startAt: START,
  };
}

function run(scenario: ScenarioInput, s = subject(), options: RunOptions = {}): SimulationResult {
  const steps = runSimulation(s, parseScenario(scenario, LIMITS), options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The error a run throws, as { code, message }; a plain Error (a 500) fails the test. */
function refusal(scenario: ScenarioInput, s = subject(), options: RunOptions = {}) {
  try {
    run(scenario, s, options);
  } catch (error) {
    if (!isTwinlogError(error)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error('the run was not refused');
}

const crossingOf = (r: SimulationResult, property: string, level: string) =>
  r.crossings.find((c) => c.property === property && c.level === level)?.atSeconds;

describe('limit crossings do not depend on the output step', () => {
  it('the first crossing is the same over 1 d, 30 d and 100 y (not T+22 s)', () => {
    // Warning limits only: a century of advice probes (bisections over re-runs) would cost
    // minutes; the crossings are what the output step used to misplace.
    const warnings = {
      tool_wear: { normal: { low: 0, high: 0.6 }, warning: { high: 0.8 } },
      vibration: { normal: { low: 0, high: 2.8 }, warning: { high: 4.5 } },
    };
    const runs = ['1d', '30d', '36500d'].map((horizon) =>
      run({ horizon }, { ...subject(), limits: warnings }),
    );
    // At reference load and nominal speed, wear grows 1/3600 per second from 0.1, and
    // vibration = 0.25 + 0.8 + 1.6·w²: 2.8 mm/s at w = sqrt(1.75/1.6), 4.5 at sqrt(3.45/1.6).
    const at = (w: number) => (w - 0.1) * 3600;
    for (const r of runs) {
      expect(r.crossings.map((c) => [c.property, c.level])).toEqual([
        ['tool_wear', 'warning'],
        ['vibration', 'warning'],
      ]);
      expect(Math.abs(crossingOf(r, 'tool_wear', 'warning')! - at(0.6))).toBeLessThan(1e-3);
      expect(
        Math.abs(crossingOf(r, 'vibration', 'warning')! - at(Math.sqrt(1.75 / 1.6))),
      ).toBeLessThan(1e-3);
      expect(r.recommendations[0]).toMatchObject({ code: 'WATCH', property: 'tool_wear' });
    }
  });

  it('the first alarm and the advice to act before it agree over 1 d and 30 d', () => {
    const runs = ['1d', '30d'].map((horizon) => run({ horizon }));
    const exact = (Math.sqrt(6.05 / 1.6) - 0.1) * 3600;
    for (const r of runs) {
      expect(Math.abs(crossingOf(r, 'vibration', 'alarm')! - exact)).toBeLessThan(1e-3);
      expect(Math.abs(crossingOf(r, 'tool_wear', 'alarm')! - 0.8 * 3600)).toBeLessThan(1e-3);
      const act = r.recommendations.find((c) => c.code === 'ACT_BEFORE')!;
      expect([act.property, Math.round(act.deadlineSeconds!)]).toEqual(['tool_wear', 2880]);
    }
  });

  it('finds a crossing between two output points, on the integrator steps', () => {
    const failing: ScenarioInput = {
      horizon: '24h',
      perturbations: [
        { kind: 'fail', target: 'cooling_capacity', at: '1h', remaining: 0.1 },
        { kind: 'ramp', target: 'temperature', at: '1h', ratePerHour: 2 },
      ],
    };
    const fine = run({ ...failing, step: '10s' });
    const coarse = run({ ...failing, step: '12h' });
    for (const level of ['warning', 'alarm', 'failure']) {
      const t = crossingOf(fine, 'temperature', level)!;
      expect(Math.abs(crossingOf(coarse, 'temperature', level)! - t)).toBeLessThan(1e-3);
    }
  });
});

describe('non-finite values are refused with a reason, never thrown as plain errors', () => {
  it('refuses a horizon beyond the limit up front', () => {
    expect(refusal({ horizon: 1e300 })).toMatchObject({
      code: 'SCENARIO_INVALID',
      message: expect.stringMatching(/horizon: .* more than the limit/),
    });
  });

  it('refuses a set outside the property range of the model up front', () => {
    expect(
      refusal({
        horizon: '1h',
        perturbations: [{ kind: 'set', target: 'temperature', value: 1e308 }],
      }),
    ).toMatchObject({ code: 'SCENARIO_INVALID', message: expect.stringMatching(/temperature/) });
    expect(
      refusal({
        horizon: '1h',
        perturbations: [{ kind: 'set', target: 'spindle_speed', value: 1e308 }],
      }),
    ).toMatchObject({ code: 'SCENARIO_INVALID', message: expect.stringMatching(/spindle_speed/) });
    for (const change of [
      { kind: 'ramp', target: 'temperature', ratePerHour: 1e308 },
      { kind: 'step', target: 'tool_wear', by: 1e200 },
    ] as const) {
      expect(refusal({ horizon: '1h', perturbations: [change] })).toMatchObject({
        code: 'SCENARIO_INVALID',
        message: expect.stringMatching(/whole physical range/),
      });
    }
  });

  it('reports a run that leaves the finite range as SIMULATION_OUT_OF_RANGE', () => {
    const cases: ScenarioInput[] = [
      { horizon: '1h', perturbations: [{ kind: 'set', target: 'heat_per_kw_c', value: 1e308 }] },
      { horizon: '1h', perturbations: [{ kind: 'step', target: 'spindle_speed', factor: 1e300 }] },
      {
        horizon: '1h',
        perturbations: [{ kind: 'ramp', target: 'heat_per_kw_c', ratePerHour: 1e308 }],
      },
      { horizon: '1h', perturbations: [{ kind: 'step', target: 'spindle_load', factor: 1e308 }] },
    ];
    for (const scenario of cases) {
      expect(refusal(scenario)).toMatchObject({ code: 'SIMULATION_OUT_OF_RANGE' });
    }
  });

  it('refuses a twin whose last reading is extreme with the property named', () => {
    expect(refusal({ horizon: '1h' }, subject({ ...CUTTING, temperature: 1e308 }))).toMatchObject({
      code: 'SIMULATION_OUT_OF_RANGE',
      message: expect.stringMatching(/temperature/),
    });
  });

  it('stops a run past its integration-step budget with SIMULATION_TOO_COSTLY', () => {
    const slow: ScenarioInput = {
      horizon: '3650d',
      perturbations: [{ kind: 'set', target: 'spindle_speed', value: 4000 }],
    };
    expect(refusal(slow, subject(), { maxIntegratorSteps: 10_000 })).toMatchObject({
      code: 'SIMULATION_TOO_COSTLY',
    });
  });
});
