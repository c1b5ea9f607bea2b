// Simulation speed (issue 7): what-if runs of the CNC model over 24 h at 1-minute steps, and
// Monte Carlo with 1,000 samples, against a bare explicit-Euler loop of the same ODE in the
// same process (no schedule, no adaptive step, no limits, no recommendations).
//
//   npm run bench:simulation                   # 24 h at 1 min, 1,000 samples
//   npm run bench:simulation -- --samples 2000 --repeat 5
import { performance } from 'node:perf_hooks';
import { readSimulationConfig, SimulationPool } from '@twinlog/app-simulation';
import {
  cncMillingMachine,
  compileSchedule,
  parseScenario,
  propertiesOf,
  runSimulation,
  Simulator,
  variablesOf,
  type ScenarioInput,
  type SimulationSubject,
} from '@twinlog/physics';
import {
  CNC_LIMITS,
  cncTwinModel,
  SEED_CNC_PHYSICS,
  syntheticHistory,
  VARIED,
} from '@twinlog/physics/testing';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SAMPLES = arg('samples', 1000);
const REPEAT = arg('repeat', 3);
const START = '2026-03-01T12:00:00.000Z';
const LIMITS = {
  maxHorizonSeconds: 3650 * 86_400,
  maxSteps: 100_000,
  maxSamples: 100_000,
  maxWork: 100_000_000,
  defaultCalibrationWindowSeconds: 6 * 3600,
  maxCalibrationWindowSeconds: 86_400,
};
// The seed's what-if: cooling down to 10% with a 2 °C/h drift, the spindle 20% faster.
const SCENARIO: ScenarioInput = {
  horizon: '24h',
  step: '1m',
  perturbations: [
    { kind: 'fail', target: 'cooling_capacity', remaining: 0.1 },
    { kind: 'ramp', target: 'temperature', ratePerHour: 2 },
    { kind: 'step', target: 'spindle_speed', percent: 20 },
  ],
};
const START_VALUES = {
  temperature: 43.25,
  spindle_speed: 8000,
  power_consumption: 8.5,
  tool_wear: 0.1,
};

/** The same ODE by explicit Euler at the output step: the raw baseline. */
function eulerRun(out: Float64Array[]): void {
  const p = SEED_CNC_PHYSICS;
  const speed = 8000 * 1.2;
  const r = speed / p['nominal_speed_rpm']!;
  const load = (8.5 - p['idle_power_kw']!) / (p['cutting_power_kw']! * 1);
  const power = p['idle_power_kw']! + p['cutting_power_kw']! * load * r;
  const cooling = 0.1;
  const drift = 2 / 3600;
  const wearRate =
    (Math.pow(load / p['wear_reference_load']!, p['wear_load_exponent']!) *
      Math.pow(r, 1 / p['taylor_n']!)) /
    (p['tool_life_h']! * 3600);
  let T = 43.25;
  let w = 0.1;
  const dt = 60;
  for (let k = 0; k <= 1440; k++) {
    out[0]![k] = T;
    out[1]![k] = w;
    out[2]![k] = speed;
    out[3]![k] = power;
    out[4]![k] =
      p['vibration_floor_mm_s']! +
      r * r * (p['vibration_base_mm_s']! + p['vibration_wear_gain_mm_s']! * Math.pow(w, 2));
    const dT =
      (p['heat_per_kw_c']! * power - cooling * (T - p['ambient_temperature_c']!)) /
        p['time_constant_s']! +
      drift;
    T += dt * dT;
    w += dt * wearRate;
  }
}

function timeIt(label: string, runs: number, body: () => void): number {
  body(); // warm-up
  let best = Infinity;
  for (let rep = 0; rep < REPEAT; rep++) {
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) body();
    best = Math.min(best, (performance.now() - t0) / runs);
  }
  console.log(
    `  ${label.padEnd(58)} ${best.toFixed(3).padStart(9)} ms/run  ${(1000 / best).toFixed(0).padStart(7)} runs/s`,
  );
  return best;
}

function complete<T>(steps: Generator<unknown, T, void>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Like timeIt, for runs that answer asynchronously (through the worker pool). */
async function timeItAsync(label: string, runs: number, body: () => Promise<unknown>) {
  await body(); // warm-up (and the thread's start)
  let best = Infinity;
  for (let rep = 0; rep < REPEAT; rep++) {
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await body();
    best = Math.min(best, (performance.now() - t0) / runs);
  }
  console.log(
    `  ${label.padEnd(58)} ${best.toFixed(3).padStart(9)} ms/run  ${(1000 / best).toFixed(0).padStart(7)} runs/s`,
  );
  return best;
}

async function main(): Promise<void> {
  console.log(
    `CNC model, 24 h at 1-min steps (1,441 points), best of ${REPEAT}; machine shared, figures under load`,
  );
  const model = cncMillingMachine();
  const scenario = parseScenario(SCENARIO, LIMITS);
  const schedule = compileSchedule(scenario, model);
  const properties = propertiesOf(model);
  const columns = properties.map(() => new Float64Array(schedule.grid.length));
  const base = Float64Array.from(variablesOf(model), (name) =>
    name === 'spindle_speed' ? 8000 : name === 'spindle_load' ? 0.7 : SEED_CNC_PHYSICS[name]!,
  );
  const simulator = new Simulator(model, schedule);
  const x0 = Float64Array.of(43.25, 0.1);
  const euler = properties.map(() => new Float64Array(1441));

  const raw = timeIt('raw: explicit Euler, same ODE, fixed 60 s step', 2000, () => eulerRun(euler));
  const integrate = timeIt('Twinlog integration: Dormand-Prince 5(4) + schedule', 2000, () =>
    simulator.run(x0, base, { columns, stride: 1, offset: 0 }),
  );
  // How far each is from the exact answer (first-order with drift, closed form).
  const p = SEED_CNC_PHYSICS;
  const power = 1.5 + 7 * 1.2;
  const steady =
    p['ambient_temperature_c']! + (p['heat_per_kw_c']! * power + (2 / 3600) * 900) / 0.1;
  const exact = (t: number) => steady + (43.25 - steady) * Math.exp((-0.1 * t) / 900);
  const error = (T: Float64Array) =>
    Math.max(...Array.from(schedule.grid, (t, k) => Math.abs(T[k]! - exact(t))));
  const once = new Simulator(model, schedule);
  once.run(x0, base, { columns, stride: 1, offset: 0 });
  console.log(
    `  temperature error against the closed form: Euler ${error(euler[0]!).toExponential(1)} °C, ` +
      `Dormand-Prince ${error(columns[0]!).toExponential(1)} °C ` +
      `(${once.integrator.evaluations} right-hand-side evaluations per run, Euler 1,440)`,
  );

  const bare: SimulationSubject = {
    twinId: 'mill-1',
    twinModel: cncTwinModel(),
    limits: CNC_LIMITS,
    resetAt: {},
    readings: Object.entries(START_VALUES).map(([property, value]) => ({
      property,
      time: START,
      value,
    })),
    startAt: START,
  };
  const full = timeIt('whole run: limits, risk, recommendations (no calibration)', 100, () =>
    complete(runSimulation(bare, scenario)),
  );
  const history = syntheticHistory({
    endAt: START,
    historySeconds: 6 * 3600,
    intervalSeconds: 10,
    profile: VARIED,
    initial: { temperature: 30, tool_wear: 0.05 },
    noise: { temperature: 0.2, power_consumption: 0.1, tool_wear: 0.003, vibration: 0.05 },
    truth: { tool_life_h: 20 },
  });
  const calibrated = { ...bare, readings: history.readings };
  const withCalibration = timeIt(
    `whole run + calibration on 6 h of readings (${history.readings.length.toLocaleString('en-US')})`,
    20,
    () => complete(runSimulation(calibrated, scenario)),
  );

  console.log(
    `\nMonte Carlo, ${SAMPLES.toLocaleString('en-US')} samples (bands and limit probabilities included)`,
  );
  const mcScenario = parseScenario(
    { ...SCENARIO, monteCarlo: { samples: SAMPLES, seed: 1 } },
    LIMITS,
  );
  const rawMc = timeIt(`raw: ${SAMPLES} Euler runs`, 1, () => {
    for (let s = 0; s < SAMPLES; s++) eulerRun(euler);
  });
  const mc = timeIt('Twinlog Monte Carlo (calibrated, with everything above)', 1, () =>
    complete(runSimulation(calibrated, mcScenario)),
  );

  console.log(
    '\nThe service computes each run on a worker thread (ADR 0012): the same runs through it',
  );
  const pool = new SimulationPool(readSimulationConfig({ SIMULATION_WORKERS: '1' }));
  const signal = new AbortController().signal;
  const onPool = (subject: SimulationSubject, s: typeof scenario) => () =>
    pool.run({ subject, scenario: s, options: {} }, () => undefined, signal);
  const pooled = await timeItAsync(
    'whole run through the pool (no calibration)',
    100,
    onPool(bare, scenario),
  );
  const pooledCalibrated = await timeItAsync(
    'whole run + calibration through the pool',
    20,
    onPool(calibrated, scenario),
  );
  await pool.onModuleDestroy();

  console.log('\nsummary');
  console.log(`  integration / raw Euler: ${(raw / integrate).toFixed(2)} (runs/s ratio)`);
  console.log(
    `  whole scenario run: ${(1000 / full).toFixed(0)} runs/s; with calibration ${(1000 / withCalibration).toFixed(0)} runs/s`,
  );
  console.log(
    `  Monte Carlo ${SAMPLES} samples: ${(mc / 1000).toFixed(2)} s (goal < 1 s: ${mc < 1000 ? 'met' : 'NOT met'}); raw/Twinlog ${(rawMc / mc).toFixed(2)}`,
  );
  console.log(
    `  worker pool overhead per run: ${(pooled - full).toFixed(2)} ms without calibration, ${(pooledCalibrated - withCalibration).toFixed(2)} ms with 6 h of readings (copied to the thread)`,
  );
}

void main();
