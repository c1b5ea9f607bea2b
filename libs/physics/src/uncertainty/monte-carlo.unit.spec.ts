import { runSimulation } from '../run/run-simulation';
import type { SimulationResult, SimulationSubject } from '../run/simulation-result';
import { parseScenario, type ScenarioInput } from '../scenario/scenario';
import { CNC_LIMITS, cncTwinModel, syntheticHistory, VARIED } from '../testing/cnc-fixtures';
import { percentileOfSorted, percentilesInPlace } from './percentiles';

const END = '2026-03-01T12:00:00.000Z';
const LIMITS = {
  maxHorizonSeconds: 3650 * 86_400,
  maxSteps: 100_000,
  maxSamples: 10_000,
  maxWork: 5_000_000,
  defaultCalibrationWindowSeconds: 6 * 3600,
  maxCalibrationWindowSeconds: 86_400,
};
const TRUTH = {
  time_constant_s: 1200,
  heat_per_kw_c: 3,
  ambient_temperature_c: 20,
  idle_power_kw: 2,
};
const NOISE = { temperature: 0.3, power_consumption: 0.15, tool_wear: 0.003, vibration: 0.05 };

function run(subject: SimulationSubject, scenario: ScenarioInput): SimulationResult {
  const steps = runSimulation(subject, parseScenario(scenario, LIMITS));
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

const forecast = (monteCarlo?: { samples: number; seed: number }): ScenarioInput => ({
  horizon: '2h',
  step: '5m',
  perturbations: [{ kind: 'step', target: 'spindle_speed', percent: 20 }],
  ...(monteCarlo ? { monteCarlo } : {}),
});

/** A twin whose recent readings came from a machine with the TRUTH parameters (noisy sensors). */
function observedTwin(seed: number) {
  const history = syntheticHistory({
    truth: TRUTH,
    endAt: END,
    historySeconds: 6 * 3600,
    intervalSeconds: 30,
    profile: VARIED,
    initial: { temperature: 30, tool_wear: 0.05 },
    noise: NOISE,
    seed,
  });
  const subject: SimulationSubject = {
    twinId: 'mill-1',
    twinModel: cncTwinModel(),
    limits: CNC_LIMITS,
    resetAt: {},
    readings: history.readings,
    startAt: END,
  };
  // The same machine run with its true parameters from its true (noise-free) state.
  const truth = run(
    {
      ...subject,
      twinModel: cncTwinModel(TRUTH),
      readings: Object.entries(history.truthAtEnd).map(([property, value]) => ({
        property,
        time: END,
        value,
      })),
    },
    { ...forecast(), calibrationWindow: 0 },
  );
  return { subject, truth };
}

describe('Monte Carlo over the calibration uncertainty', () => {
  it('its 90% bands contain the true trajectory at about the stated rate', () => {
    const checks: boolean[] = [];
    for (let trial = 1; trial <= 100; trial++) {
      const { subject, truth } = observedTwin(100 + trial);
      const r = run(subject, forecast({ samples: 300, seed: trial }));
      const band = r.uncertainty!.bands['temperature']!;
      const T = truth.trajectory.properties['temperature']!;
      for (const k of [12, 24]) checks.push(band.p5[k]! <= T[k]! && T[k]! <= band.p95[k]!);
    }
    const rate = checks.filter(Boolean).length / checks.length;
    // 200 checks of a 90% band (100 independent twins, at 1 h and 2 h): within 3 standard
    // errors of 0.9, so bands too narrow (overconfident) or too wide (uninformative) fail.
    expect(rate).toBeGreaterThan(0.83);
    expect(rate).toBeLessThan(0.97);
  });

  it('is reproducible from its seed, and reports the chance of crossing each limit', () => {
    const { subject } = observedTwin(5);
    const heavy: ScenarioInput = {
      ...forecast({ samples: 200, seed: 42 }),
      perturbations: [{ kind: 'fail', target: 'cooling_capacity', remaining: 0.3 }],
    };
    const a = run(subject, heavy);
    const b = run(subject, heavy);
    const c = run(subject, { ...heavy, monteCarlo: { samples: 200, seed: 43 } });
    expect(b.uncertainty).toEqual(a.uncertainty);
    expect(c.uncertainty!.bands['temperature']!.p95).not.toEqual(
      a.uncertainty!.bands['temperature']!.p95,
    );
    const warning = a.uncertainty!.crossingProbabilities.find(
      (p) => p.property === 'temperature' && p.level === 'warning',
    )!;
    expect(warning.probability).toBeGreaterThanOrEqual(0);
    expect(warning.probability).toBeLessThanOrEqual(1);
    // The band holds the nominal run, widening from the start.
    const band = a.uncertainty!.bands['temperature']!;
    const nominal = a.trajectory.properties['temperature']!;
    expect(band.p5[24]! < nominal[24]! && nominal[24]! < band.p95[24]!).toBe(true);
    expect(band.p95[24]! - band.p5[24]!).toBeGreaterThan(band.p95[0]! - band.p5[0]!);
  });
});

describe('percentiles', () => {
  it('selects the same values a full sort gives', () => {
    const values = Float64Array.from(
      { length: 1001 },
      (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1,
    );
    const sorted = Float64Array.from(values).sort();
    const out = [0, 0, 0, 0];
    percentilesInPlace(Float64Array.from(values), [0, 5, 50, 95], out);
    expect(out).toEqual([0, 5, 50, 95].map((p) => percentileOfSorted(sorted, p)));
  });
});
