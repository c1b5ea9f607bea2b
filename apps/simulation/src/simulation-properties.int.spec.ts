import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { startSimulationHarness, type SimulationHarness } from './testing/simulation-harness';

const HOUR = 3_600_000;
const NOW = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
/** A case that takes longer than this has hung (the service's own deadline is 20 s here). */
const CASE_TIMEOUT_MS = 60_000;

const HOSTILE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype', ''];
const MODEL_NAMES = [
  'temperature',
  'tool_wear',
  'spindle_speed',
  'cooling_capacity',
  'spindle_load',
  'heat_per_kw_c',
  'time_constant_s',
];
const TARGETS = [...MODEL_NAMES, 'vibration', 'power_consumption', ...HOSTILE_NAMES];
/** Mostly names the model knows (so runs happen), sometimes outputs and Object built-ins. */
const target = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...MODEL_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...TARGETS) },
);
const number = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: 0, max: 2, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(0, -0, 1, -1, 0.5, 1e308, -1e308, 1e300, 5e-324, 2 ** 53, 8000),
  },
  { weight: 1, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }) },
);
const duration = fc.oneof(
  number,
  fc.constantFrom('1h', '10m', '90s', '2d', '1h30m', 'T+2h', '0s', '-1h', 'NaN', '1e300', ''),
  fc
    .tuple(fc.integer({ min: 0, max: 400 }), fc.constantFrom('s', 'm', 'h', 'd', 'ms'))
    .map(([n, unit]) => `${n}${unit}`),
  fc.string({ maxLength: 12 }),
);
const anyPerturbation = fc.record(
  {
    kind: fc.constantFrom('set', 'step', 'ramp', 'fail', 'boom', '__proto__'),
    target: fc.oneof(target, fc.string({ maxLength: 10 })),
    at: duration,
    until: duration,
    value: number,
    by: number,
    factor: number,
    percent: number,
    remaining: number,
    ratePerHour: number,
  },
  { requiredKeys: ['kind', 'target'] },
);
/** Well-formed perturbations with hostile numbers and names: these reach the integrator. */
const shapedPerturbation = fc.oneof(
  fc.record({ kind: fc.constant('set'), target, value: number }),
  fc.record({ kind: fc.constant('step'), target, by: number }),
  fc.record({ kind: fc.constant('step'), target, factor: number }),
  fc.record({ kind: fc.constant('step'), target, percent: number }),
  fc.record({
    kind: fc.constant('ramp'),
    target,
    ratePerHour: number,
    at: fc.constantFrom(0, '10m', 600),
  }),
  fc.record(
    {
      kind: fc.constant('fail'),
      target,
      remaining: fc.double({ min: 0, max: 1, noNaN: true }),
      until: fc.constantFrom('30m', 1800),
    },
    { requiredKeys: ['kind', 'target'] },
  ),
);
const perturbation = fc.oneof(
  { weight: 3, arbitrary: shapedPerturbation },
  { weight: 1, arbitrary: anyPerturbation },
);
const usualHorizon = fc.oneof(
  fc.constantFrom('1h', '6h', '1d', '30d', '7d', 3600, '1h30m'),
  fc.tuple(fc.integer({ min: 1, max: 720 }), fc.constantFrom('m', 'h')).map(([n, u]) => `${n}${u}`),
);
const scenario = fc.record(
  {
    label: fc.string({ maxLength: 20 }),
    horizon: fc.oneof({ weight: 3, arbitrary: usualHorizon }, { weight: 1, arbitrary: duration }),
    step: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('1m', '5m', '1h', 60) },
      { weight: 1, arbitrary: duration },
    ),
    perturbations: fc.array(perturbation, { maxLength: 3 }),
    monteCarlo: fc.record(
      {
        samples: fc.oneof(
          { weight: 4, arbitrary: fc.integer({ min: 1, max: 30 }) },
          { weight: 1, arbitrary: fc.constantFrom(1e9, 0.5, 0, -3) },
        ),
        seed: fc.oneof(
          { weight: 4, arbitrary: fc.integer({ min: 0, max: 2 ** 32 - 1 }) },
          { weight: 1, arbitrary: fc.constant(-1) },
        ),
      },
      { requiredKeys: ['samples'] },
    ),
    calibrationWindow: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(0, '1h', '2h', 600) },
      { weight: 1, arbitrary: duration },
    ),
  },
  { requiredKeys: ['horizon'] },
);
const at = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.integer({ min: 60_000, max: 9 * HOUR }).map((back) => iso(NOW - back)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      iso(NOW + 5 * HOUR),
      '2026-11-31T00:30:00Z',
      'yesterday',
      '',
      '1e20',
    ),
  },
);
/** A body as JSON text, sometimes with an own "__proto__" or "constructor" key spliced in. */
const body = fc.record(
  {
    scenario,
    at: fc.option(at, { freq: 3, nil: undefined }),
    twinIdChoice: fc.constantFrom('mill', 'mill', 'mill', 'mill', '__proto__', 'ghost'),
    hostileKey: fc.constantFrom(null, null, null, null, null, '__proto__', 'constructor'),
    async: fc.constantFrom('', '?async=true', '?async=false'),
    compare: fc.boolean(),
  },
  { requiredKeys: ['scenario', 'twinIdChoice', 'hostileKey', 'async', 'compare'] },
);

describe('simulation API under arbitrary scenario specs (embedded, property-based)', () => {
  let h: SimulationHarness;
  const MILL = `mill-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    h = await startSimulationHarness('embedded', {
      // Small bounds keep every case short; the rules are the same as with the defaults.
      SIMULATION_MAX_HORIZON_S: String(30 * 86_400),
      SIMULATION_MAX_SAMPLES: '30',
      SIMULATION_MAX_WORK: '200000',
      SIMULATION_RUN_DEADLINE_S: '20',
      SIMULATION_MAX_QUEUED: '64',
    });
    await h.register(MILL, 'cnc-milling-machine', iso(NOW - 10 * HOUR));
    const readings = [];
    for (let k = 0; k < 60; k++) {
      const time = iso(NOW - 2 * HOUR + k * 60_000);
      readings.push(
        { property: 'temperature', time, value: 40 + k * 0.05 },
        { property: 'spindle_speed', time, value: 8000 },
        { property: 'power_consumption', time, value: 8.5 },
        { property: 'tool_wear', time, value: 0.1 + k * 0.001 },
        { property: 'vibration', time, value: 1.1 },
      );
    }
    await h.write(MILL, 'cnc-milling-machine', readings);
  }, 120_000);
  afterAll(async () => h?.close());

  it('answers every scenario with a 2xx or a clear 4xx, never a 500 or a hang', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, async (c) => {
        const twinId = c.twinIdChoice === 'mill' ? MILL : c.twinIdChoice;
        const fields: Record<string, unknown> = c.compare
          ? { twinId, base: c.scenario, alternative: c.scenario }
          : { twinId, ...c.scenario };
        if (c.at !== undefined) fields['at'] = c.at;
        let text = JSON.stringify(fields);
        if (c.hostileKey) text = `{"${c.hostileKey}":{"horizon":"1h"},${text.slice(1)}`;
        const path = `/v1/simulations${c.compare ? '/compare' : ''}${c.async}`;
        const response = await fetch(`${h.service.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: text,
          signal: AbortSignal.timeout(CASE_TIMEOUT_MS),
        });
        const answer = (await response.json()) as Record<string, unknown> & {
          error?: { code: unknown; message: unknown };
          simulationId?: string;
        };
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const where = `${response.status} for ${text}: ${JSON.stringify(answer).slice(0, 400)}`;
        if (response.status >= 500) throw new Error(`a server error: ${where}`);
        if (response.status >= 400) {
          if (typeof answer.error?.code !== 'string' || typeof answer.error.message !== 'string')
            throw new Error(`an error without a code and message: ${where}`);
          return;
        }
        if (response.status === 202) {
          await h.call('DELETE', `/v1/simulations/${answer.simulationId}`);
          return;
        }
        // A result's numbers are all finite: JSON shows NaN and Infinity as null.
        type Run = { trajectory: unknown; uncertainty: { bands: unknown } | null };
        const runs = (c.compare ? [answer['base'], answer['alternative']] : [answer]) as Run[];
        const series = JSON.stringify(runs.map((r) => [r.trajectory, r.uncertainty?.bands ?? {}]));
        if (series.includes('null')) throw new Error(`a result with non-finite numbers: ${where}`);
      }),
      { numRuns: 150, seed: Number(process.env['FC_SEED'] ?? 4015), endOnFailure: true },
    );
    // The cases must reach the integrator, not only the validation: some runs complete.
    const answered = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
    process.stdout.write(
      `simulation property test, answers by status: ${JSON.stringify(answered)}\n`,
    );
    expect((statuses.get(200) ?? 0) + (statuses.get(202) ?? 0)).toBeGreaterThanOrEqual(10);
  }, 900_000);
});
