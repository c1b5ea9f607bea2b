import { DormandPrince } from '../integrate/dormand-prince';
import { runSimulation } from '../run/run-simulation';
import type { SimulationResult, SimulationSubject } from '../run/simulation-result';
import { parseScenario, type ScenarioInput } from '../scenario/scenario';
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

/** A machine whose latest readings are the given values, with no history to calibrate on. */
function subject(
  values: Record<string, number>,
  physics: Record<string, number> = {},
): SimulationSubject {
  return {
    twinId: 'mill-1',
    twinModel: cncTwinModel(physics),
    limits: CNC_LIMITS,
    resetAt: {},
    readings: Object.entries(values).map(([property, value]) => ({ property, time: START, value })),
    startAt: START,
  };
}

export function run(s: SimulationSubject, scenario: ScenarioInput): SimulationResult {
  const steps = runSimulation(s, parseScenario(scenario, LIMITS));
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

const series = (r: SimulationResult, property: string) => r.trajectory.properties[property]!;
const alarmOf = (r: SimulationResult, property: string) =>
  r.crossings.find((c) => c.property === property && c.level === 'alarm')?.atSeconds;

describe('the integrator', () => {
  it('matches exp(-t) to its tolerance, between its steps too, and keeps an oscillator on its circle', () => {
    const decay = new DormandPrince(1, 1e-9, Float64Array.of(1e-12));
    const x = Float64Array.of(1);
    const between = new Float64Array(1);
    decay.reset(0.1);
    let worst = 0;
    for (let t = 0; t < 10;) {
      const next = decay.step((_, y, d) => (d[0] = -y[0]!), t, 10, x);
      for (const share of [0.25, 0.5, 0.75]) {
        const at = t + share * (next - t);
        decay.interpolate(at, between);
        worst = Math.max(worst, Math.abs(between[0]! - Math.exp(-at)) / Math.exp(-at));
      }
      t = next;
    }
    expect(Math.abs(x[0]! - Math.exp(-10)) / Math.exp(-10)).toBeLessThan(1e-7);
    expect(worst).toBeLessThan(1e-7);

    const spring = new DormandPrince(2, 1e-9, Float64Array.of(1e-12, 1e-12));
    const y = Float64Array.of(1, 0);
    spring.advance((_, s, d) => ((d[0] = s[1]!), (d[1] = -s[0]!)), 0, 20 * Math.PI, y, 0.1);
    expect(y[0]).toBeCloseTo(1, 6);
    expect(y[1]).toBeCloseTo(0, 6);
  });
});

describe('the CNC model against closed-form answers', () => {
  // Spindle at nominal speed and full load from T+0: P = 1.5 + 10 = 11.5 kW.
  const stepUp: ScenarioInput = {
    horizon: '24h',
    step: '1m',
    perturbations: [
      { kind: 'set', target: 'spindle_speed', at: 0, value: 8000 },
      { kind: 'set', target: 'spindle_load', at: 0, value: 1 },
    ],
  };
  // Idle before: settled at 22 + 2.5 · 1.5 = 25.75 °C.
  const idle = { temperature: 25.75, spindle_speed: 0, power_consumption: 1.5, tool_wear: 0.1 };

  it('a step in heat input approaches the analytic steady state with the analytic time constant', () => {
    const r = run(subject(idle), stepUp);
    const steady = 22 + 2.5 * 11.5;
    const analytic = (t: number) => steady + (25.75 - steady) * Math.exp(-t / 900);
    const T = series(r, 'temperature');
    r.trajectory.times.forEach((t, k) => expect(Math.abs(T[k]! - analytic(t))).toBeLessThan(1e-5));
    expect(T[T.length - 1]).toBeCloseTo(steady, 6);
    // The time to 63.2% of the rise is the time constant.
    const target = 25.75 + (1 - Math.exp(-1)) * (steady - 25.75);
    const k = T.findIndex((v) => v >= target);
    const [t0, t1] = [r.trajectory.times[k - 1]!, r.trajectory.times[k]!];
    const tau = t0 + ((target - T[k - 1]!) / (T[k]! - T[k - 1]!)) * (t1 - t0);
    expect(Math.abs(tau - 900)).toBeLessThan(1);
    expect(series(r, 'power_consumption')[1]).toBeCloseTo(11.5, 12);
  });

  it('halving the cooling doubles both the rise and the time constant', () => {
    const r = run(subject(idle), {
      ...stepUp,
      perturbations: [
        ...stepUp.perturbations!,
        { kind: 'fail', target: 'cooling_capacity', remaining: 0.5 },
      ],
    });
    const steady = 22 + (2.5 * 11.5) / 0.5;
    const T = series(r, 'temperature');
    r.trajectory.times.forEach((t, k) =>
      expect(Math.abs(T[k]! - (steady + (25.75 - steady) * Math.exp(-t / 1800)))).toBeLessThan(
        1e-5,
      ),
    );
  });

  it('the seed example: cooling fails and temperature rises 2 °C per hour, crossing the alarm limit at the computed time', () => {
    // A machine on standby (no power drawn, no cut): only the 2 °C/h drift heats it once the
    // cooling is gone. From 70 °C the alarm limit (85 °C) is 7.5 h away, the failure limit 12.5 h.
    const standby = { temperature: 70, spindle_speed: 0, power_consumption: 0, tool_wear: 0.2 };
    const r = run(subject(standby, { idle_power_kw: 0 }), {
      horizon: '24h',
      step: '1m',
      perturbations: [
        { kind: 'fail', target: 'cooling_capacity', at: 0 },
        { kind: 'ramp', target: 'temperature', at: 0, ratePerHour: 2 },
      ],
    });
    expect(alarmOf(r, 'temperature')).toBeCloseTo(7.5 * 3600, 3);
    expect(r.crossings.find((c) => c.level === 'failure')?.atSeconds).toBeCloseTo(12.5 * 3600, 3);
    // 70 °C is already beyond the normal band (65 °C): the first limit is the warning, at once.
    expect(r.firstLimit).toMatchObject({ property: 'temperature', level: 'warning', atSeconds: 0 });
    expect(r.crossings.find((c) => c.level === 'alarm')!.at).toBe('2026-03-01T19:30:00.000Z');
    expect(r.riskLevel).toBe('critical');
  });

  it('cooling drops to 10% at T+1h while cutting, temperature drifting 2 °C/h: the alarm at the analytic time', () => {
    // Cutting at load 0.7: P = 1.5 + 7 = 8.5 kW, settled at 22 + 2.5 · 8.5 = 43.25 °C.
    const cutting = {
      temperature: 43.25,
      spindle_speed: 8000,
      power_consumption: 8.5,
      tool_wear: 0,
    };
    const r = run(subject(cutting), {
      horizon: '12h',
      step: '30s',
      perturbations: [
        { kind: 'fail', target: 'cooling_capacity', at: '1h', remaining: 0.1 },
        { kind: 'ramp', target: 'temperature', at: '1h', ratePerHour: 2 },
      ],
    });
    // dT/dt = (k·P − c(T − Ta))/τ + d: steady Ta + (k·P + d·τ)/c, time constant τ/c.
    const drift = 2 / 3600;
    const steady = 22 + (2.5 * 8.5 + drift * 900) / 0.1;
    const tau = 900 / 0.1;
    const alarm = 3600 - tau * Math.log((steady - 85) / (steady - 43.25));
    expect(Math.abs(alarmOf(r, 'temperature')! - alarm)).toBeLessThan(0.5);
    expect(series(r, 'temperature')[0]).toBeCloseTo(43.25, 9);
    expect(series(r, 'temperature')[120]).toBeCloseTo(43.25, 6); // unchanged until the failure
  });

  it('wear follows Taylor: 20% more speed wears the tool 1.2^(1/n) times faster', () => {
    const cutting = {
      temperature: 43.25,
      spindle_speed: 8000,
      power_consumption: 8.5,
      tool_wear: 0.1,
    };
    const nominal = run(subject(cutting), { horizon: '30m', step: '1m' });
    const faster = run(subject(cutting), {
      horizon: '30m',
      step: '1m',
      perturbations: [{ kind: 'step', target: 'spindle_speed', percent: 20 }],
    });
    // At reference load 0.7 and nominal speed, life is 1 h: 0.5 of a tool in 30 min.
    const end = (r: SimulationResult) => series(r, 'tool_wear')[30]! - 0.1;
    expect(end(nominal)).toBeCloseTo(0.5, 9);
    expect(end(faster) / end(nominal)).toBeCloseTo(1.2 ** 4, 9);
    // Power rises with speed at the same load; vibration with speed² and wear.
    expect(series(faster, 'power_consumption')[0]).toBeCloseTo(1.5 + 7 * 1.2, 9);
    const w = series(faster, 'tool_wear')[30]!;
    expect(series(faster, 'vibration')[30]).toBeCloseTo(0.25 + 1.44 * (0.8 + 1.6 * w * w), 9);
  });
});
