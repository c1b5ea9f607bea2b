import { randomUUID } from 'node:crypto';
import { eventually } from '@twinlog/event-log/testing';
import { startSimulationHarness, type SimulationHarness } from './testing/simulation-harness';

const HOUR = 3_600_000;
const NOW = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
// Latest readings of a machine cutting at its reference load (no history: no calibration).
const CUTTING = { temperature: 43.25, spindle_speed: 8000, power_consumption: 8.5, tool_wear: 0.1 };
/**
 * The most expensive run these services allow (a century, the spindle slowed so the housing
 * never settles): several seconds of integration and advice probes on one core.
 */
const LONG = {
  horizon: '36500d',
  calibrationWindow: 0,
  perturbations: [{ kind: 'set', target: 'spindle_speed', value: 4000 }],
};

/** Milliseconds each of a few cheap requests took while something else was going on. */
async function latencies(h: SimulationHarness, paths: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const path of paths) {
    const t0 = performance.now();
    const { status } = await h.call('GET', path);
    out.push(performance.now() - t0);
    expect(status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
  }
  return out;
}

describe('simulation off the request thread, with limits and cancel (embedded)', () => {
  let h: SimulationHarness;
  const MILL = `mill-${randomUUID().slice(0, 8)}`;
  const run = (body: Record<string, unknown>, query = '') =>
    h.call('POST', `/v1/simulations${query}`, { twinId: MILL, ...body });
  const jobOf = async (id: string) => (await h.call('GET', `/v1/simulations/${id}`)).json;

  beforeAll(async () => {
    h = await startSimulationHarness('embedded', {
      SIMULATION_MAX_HORIZON_S: String(36_500 * 86_400),
      SIMULATION_MAX_INTEGRATOR_STEPS: '200000000',
      SIMULATION_WORKERS: '1',
      SIMULATION_MAX_QUEUED: '1',
    });
    await h.register(MILL, 'cnc-milling-machine', iso(NOW - 10 * HOUR));
    const time = iso(NOW - 60_000);
    await h.write(
      MILL,
      'cnc-milling-machine',
      Object.entries(CUTTING).map(([property, value]) => ({ property, time, value })),
    );
    // The first run also waits for the worker thread to start.
    expect((await run({ horizon: '10m' })).status).toBe(200);
  }, 120_000);
  afterAll(async () => h?.close());

  it('answers 202 at once and keeps answering other requests while a maximal run computes', async () => {
    const t0 = performance.now();
    const started = await run(LONG, '?async=true');
    const accepted = performance.now() - t0;
    expect(started.status).toBe(202);
    const id = started.json.simulationId;
    const during = await latencies(h, [
      '/health/ready',
      '/v1/physics',
      '/health/ready',
      `/v1/simulations/${id}`,
      '/health/ready',
      '/v1/physics/cnc-milling-machine',
    ]);
    // Still computing when the last of them answered: they were measured during the run.
    expect((await jobOf(id)).status).toBe('running');
    // Responsiveness, not speed: before the pool each of these waited for the whole run (5-9 s).
    expect({ accepted, worst: Math.max(...during) }).toEqual({
      accepted: expect.any(Number),
      worst: expect.any(Number),
    });
    expect(accepted).toBeLessThan(1000);
    expect(Math.max(...during)).toBeLessThan(1000);
    await h.call('DELETE', `/v1/simulations/${id}`);
    await eventually(async () => (await jobOf(id)).status === 'cancelled', 'the cancel');
  }, 120_000);

  it('cancels a computing run at once: its worker stops and the run is recorded as cancelled', async () => {
    const started = await run(LONG, '?async=true');
    const id = started.json.simulationId;
    await eventually(
      async () => (await jobOf(id)).progress.phase !== 'calibrating',
      'the run computing',
    );
    const t0 = performance.now();
    const cancel = await h.call('DELETE', `/v1/simulations/${id}`);
    expect([cancel.status, cancel.json.cancelRequested]).toEqual([202, true]);
    await eventually(async () => (await jobOf(id)).status === 'cancelled', 'the cancel', 5_000);
    expect(performance.now() - t0).toBeLessThan(5_000);
    const ready = await h.call('GET', '/health/ready');
    expect(ready.json).toMatchObject({ running: 0, workers: { computing: 0, waiting: 0 } });
    const cancelled = (await h.events(MILL)).filter(
      (e) =>
        e.type === 'SimulationCancelled' &&
        (e.data as { simulationId: string }).simulationId === id,
    );
    expect(cancelled).toHaveLength(1);
    // The worker was replaced and computes the next run.
    expect((await run({ horizon: '1h' })).status).toBe(200);
  }, 120_000);

  it('cancels a synchronous run whose client goes away', async () => {
    const gone = new AbortController();
    const request = fetch(`${h.service.url}/v1/simulations?async=false`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ twinId: MILL, label: 'abandoned', ...LONG }),
      signal: gone.signal,
    }).catch(() => 'aborted');
    await eventually(
      async () =>
        (await h.call('GET', `/v1/simulations?twinId=${MILL}`)).json.simulations.some(
          (j: { status: string }) => j.status === 'running',
        ),
      'the run started',
    );
    gone.abort();
    expect(await request).toBe('aborted');
    await eventually(
      async () => (await h.call('GET', '/health/ready')).json.running === 0,
      'the abandoned run stopped',
      5_000,
    );
    const jobs = (await h.call('GET', `/v1/simulations?twinId=${MILL}`)).json.simulations;
    expect(jobs.filter((j: { status: string }) => j.status === 'running')).toEqual([]);
  }, 120_000);

  it('answers 503 with Retry-After when every worker is busy and the queue is full', async () => {
    const first = await run(LONG, '?async=true');
    const second = await run(LONG, '?async=true');
    expect([first.status, second.status]).toEqual([202, 202]);
    const third = await fetch(`${h.service.url}/v1/simulations?async=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ twinId: MILL, ...LONG }),
    });
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('5');
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe(
      'SIMULATION_BUSY',
    );
    for (const id of [first.json.simulationId, second.json.simulationId]) {
      await h.call('DELETE', `/v1/simulations/${id}`);
      await eventually(async () => (await jobOf(id)).status === 'cancelled', 'the cancel');
    }
  }, 120_000);

  it('refuses runs beyond the documented limits with 400 SCENARIO_INVALID, naming the limit', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ horizon: 1e300 }, /horizon: .*more than the limit/],
      [{ horizon: '36501d' }, /horizon: .*more than the limit/],
      [{ horizon: '24h', step: '0.1s' }, /steps, more than the limit/],
      [{ horizon: '1h', monteCarlo: { samples: 10_001 } }, /samples: 10001 is more than the limit/],
      [
        { horizon: '24h', step: '1s', monteCarlo: { samples: 100 } },
        /points is more than the limit/,
      ],
      [
        { horizon: '1h', perturbations: [{ kind: 'set', target: 'temperature', value: 1e308 }] },
        /temperature 1e\+308 is outside its physical range/,
      ],
    ];
    for (const [body, message] of cases) {
      const r = await run(body);
      expect([r.status, r.json.error.code, r.json.error.message]).toEqual([
        400,
        'SCENARIO_INVALID',
        expect.stringMatching(message),
      ]);
    }
  });

  it('answers 422 with the reason for a run that leaves the finite numbers, never 500', async () => {
    const diverging = await run({
      horizon: '1h',
      perturbations: [{ kind: 'set', target: 'heat_per_kw_c', value: 1e308 }],
    });
    expect([diverging.status, diverging.json.error.code]).toEqual([422, 'SIMULATION_OUT_OF_RANGE']);
    expect(diverging.json.error.message).toMatch(/temperature/);
  });
});

describe('simulation safety nets (embedded)', () => {
  let h: SimulationHarness;
  const MILL = `mill-${randomUUID().slice(0, 8)}`;
  const PLAIN = `mill-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    h = await startSimulationHarness('embedded', {
      SIMULATION_MAX_INTEGRATOR_STEPS: '5000',
      SIMULATION_WORKERS: '1',
    });
    await h.register(MILL, 'cnc-milling-machine', iso(NOW - 10 * HOUR));
    await h.register(PLAIN, 'cnc-milling-machine', iso(NOW - 10 * HOUR));
    const time = iso(NOW - 60_000);
    await h.write(
      MILL,
      'cnc-milling-machine',
      Object.entries({ ...CUTTING, temperature: 1e308 }).map(([property, value]) => ({
        property,
        time,
        value,
      })),
    );
  }, 120_000);
  afterAll(async () => h?.close());

  it('refuses a twin whose last reading is extreme, and a run past its step budget, with 422', async () => {
    const extreme = await h.call('POST', '/v1/simulations', {
      twinId: MILL,
      horizon: '1h',
      calibrationWindow: 0,
    });
    expect([extreme.status, extreme.json.error.code]).toEqual([422, 'SIMULATION_OUT_OF_RANGE']);
    expect(extreme.json.error.message).toMatch(/temperature starts at 1e\+308/);
    const costly = await h.call('POST', '/v1/simulations', {
      twinId: PLAIN,
      horizon: '3650d',
      calibrationWindow: 0,
      perturbations: [{ kind: 'set', target: 'temperature', value: 40 }],
    });
    expect([costly.status, costly.json.error.code]).toEqual([422, 'SIMULATION_TOO_COSTLY']);
    expect(costly.json.error.message).toMatch(/5,000 integration steps/);
  }, 120_000);
});

describe('simulation deadline (embedded)', () => {
  let h: SimulationHarness;
  const MILL = `mill-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    h = await startSimulationHarness('embedded', {
      SIMULATION_MAX_HORIZON_S: String(36_500 * 86_400),
      SIMULATION_MAX_INTEGRATOR_STEPS: '200000000',
      SIMULATION_RUN_DEADLINE_S: '1',
      SIMULATION_WORKERS: '1',
    });
    await h.register(MILL, 'cnc-milling-machine', iso(NOW - 10 * HOUR));
  }, 120_000);
  afterAll(async () => h?.close());

  it('stops a run still computing at its deadline with 422 SIMULATION_TOO_COSTLY', async () => {
    const late = await h.call('POST', '/v1/simulations?async=false', { twinId: MILL, ...LONG });
    expect([late.status, late.json.error.code]).toEqual([422, 'SIMULATION_TOO_COSTLY']);
    expect(late.json.error.message).toMatch(/still computing after 1 s/);
    const failed = (await h.events(MILL)).filter((e) => e.type === 'SimulationFailed');
    expect(failed).toHaveLength(1);
  }, 120_000);
});
