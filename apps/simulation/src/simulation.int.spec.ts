import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { eventually } from '@twinlog/event-log/testing';
import { syntheticHistory, VARIED } from '@twinlog/physics/testing';
import { repoRoot, tsRunner } from '@twinlog/testing';
import {
  startSimulationHarness,
  type Mode,
  type SimulationHarness,
} from './testing/simulation-harness';

const HOUR = 3_600_000;
const NOW = Date.now();
const END = new Date(NOW - 2 * 60_000).toISOString();
const iso = (ms: number) => new Date(ms).toISOString();

describe.each<Mode>(['embedded', 'kafka'])('simulation service (%s)', (mode) => {
  let h: SimulationHarness;
  // The test InfluxDB bucket outlives a run: twin ids of their own keep earlier runs' readings out.
  const MILL = `mill-${randomUUID().slice(0, 8)}`;
  const PUMP = `pump-${randomUUID().slice(0, 8)}`;
  // Six hours of a machine at work, from the model itself with a longer-lived tool than the
  // seed's default (so calibration has something to find), sampled every 30 s with noise.
  const history = syntheticHistory({
    truth: { tool_life_h: 20, time_constant_s: 1200 },
    endAt: END,
    historySeconds: 6 * 3600,
    intervalSeconds: 30,
    profile: VARIED,
    initial: { temperature: 30, tool_wear: 0.05 },
    noise: { temperature: 0.2, power_consumption: 0.1, tool_wear: 0.002, vibration: 0.05 },
    seed: 11,
  });
  const run = (body: Record<string, unknown>, query = '', headers?: Record<string, string>) =>
    h.call('POST', `/v1/simulations${query}`, { twinId: MILL, ...body }, headers);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the payloads freely
  type Recorded = { id: string; correlationId: string; causationId: string | null; data: any };
  const recorded = async (type: string) =>
    (await h.events(MILL)).filter((e) => e.type === type) as unknown as Recorded[];

  beforeAll(async () => {
    h = await startSimulationHarness(mode);
    await h.register(MILL, 'cnc-milling-machine', iso(NOW - 10 * HOUR));
    await h.register(PUMP, 'coolant-pump', iso(NOW - 10 * HOUR));
    await h.write(MILL, 'cnc-milling-machine', history.readings);
    // Kafka: the per-twin index catches up in the background (503 INDEX_CATCHING_UP until then).
    await eventually(
      async () => (await run({ horizon: '10m' })).status === 200,
      'a first run (the stream index caught up)',
      60_000,
    );
  });
  afterAll(async () => h?.close());

  it("runs a scenario from the current state, calibrated on the twin's readings, and records it", async () => {
    const { status, json } = await run(
      {
        label: 'cooling at 20%, spindle +20%',
        horizon: '4h',
        step: '1m',
        perturbations: [
          { kind: 'fail', target: 'cooling_capacity', remaining: 0.2 },
          { kind: 'step', target: 'spindle_speed', percent: 20 },
        ],
      },
      '',
      { 'x-correlation-id': 'what-if-42', 'x-actor': 'alice' },
    );
    expect(status).toBe(200);
    expect(json).toMatchObject({
      twinId: MILL,
      twinType: 'cnc-milling-machine',
      label: 'cooling at 20%, spindle +20%',
      horizonSeconds: 14_400,
      start: {
        temperature: { source: 'reading' },
        spindle_speed: { source: 'reading', value: 8000 },
      },
      riskLevel: expect.stringMatching(/high|critical/),
    });
    expect(json.trajectory.times).toHaveLength(241);
    expect(json.trajectory.properties.spindle_speed[1]).toBe(9600);
    // Calibrated on the readings: the thermal time constant the machine really has.
    expect(
      json.calibration.groups.find((g: { group: string }) => g.group === 'thermal'),
    ).toMatchObject({ status: 'fitted' });
    expect(json.parameters.time_constant_s.source).toBe('fitted');
    expect(Math.abs(json.parameters.time_constant_s.value - 1200)).toBeLessThan(60);
    expect(json.parameters.tool_life_h.value).toBeGreaterThan(15);
    expect(json.firstLimit).not.toBeNull();
    expect(json.recommendations.map((r: { code: string }) => r.code)).toEqual(
      expect.arrayContaining(['ACT_BEFORE', 'RESTORE_WITHIN', 'LIMIT_CONTROL']),
    );

    const requested = (await recorded('SimulationRequested')).find(
      (e) => e.data.simulationId === json.simulationId,
    )!;
    const completed = (await recorded('SimulationCompleted')).find(
      (e) => e.data.simulationId === json.simulationId,
    )!;
    expect(requested).toMatchObject({
      correlationId: 'what-if-42',
      // Authentication is off in this harness: the caller is the demo admin, whatever x-actor claims.
      producer: 'simulation/anonymous',
      data: {
        timeTravel: false,
        horizonSeconds: 14_400,
        samples: 0,
        perturbations: [
          { kind: 'fail', target: 'cooling_capacity', remaining: 0.2 },
          { kind: 'step', factor: 1.2 },
        ],
      },
    });
    expect(completed).toMatchObject({
      causationId: requested.id,
      correlationId: 'what-if-42',
      data: { riskLevel: json.riskLevel, firstLimit: { atSeconds: json.firstLimit.atSeconds } },
    });
  });

  it('travels in time: starts from the state and the readings as they were at a past time', async () => {
    const at = iso(Date.parse(END) - 3 * HOUR - 10_000);
    const { status, json } = await run({ at, horizon: '1h', step: '1m' });
    expect(status).toBe(200);
    const then = history.readings
      .filter((r) => r.property === 'temperature' && r.time <= at)
      .sort((a, b) => a.time.localeCompare(b.time))
      .pop()!;
    expect(json.startAt).toBe(at);
    expect(json.start.temperature).toMatchObject({ source: 'reading', value: then.value });
    expect(json.calibration.to).toBe(at);
    const requested = (await recorded('SimulationRequested')).find(
      (e) => e.data.simulationId === json.simulationId,
    )!;
    expect(requested.data).toMatchObject({ timeTravel: true, startAt: at });
    const before = await run({ at: iso(NOW - 20 * HOUR), horizon: '1h' });
    expect([before.status, before.json.error.code]).toEqual([404, 'TWIN_NOT_FOUND']);
  });

  it('runs a large scenario as a job with progress, and cancels it on request', async () => {
    const big = { horizon: '24h', step: '1m', monteCarlo: { samples: 3400, seed: 5 } };
    const started = await run(big, '?async=true');
    expect(started.status).toBe(202);
    expect(started.json).toMatchObject({ status: 'running', kind: 'run', twinId: MILL });
    const id = started.json.simulationId;
    await eventually(async () => {
      const { json } = await h.call('GET', `/v1/simulations/${id}`);
      return json.progress.phase === 'monte-carlo' && json.progress.fraction >= 0.1;
    }, 'the Monte Carlo under way');
    const cancel = await h.call('DELETE', `/v1/simulations/${id}`);
    expect(cancel.status).toBe(202);
    expect(cancel.json.cancelRequested).toBe(true);
    await eventually(
      async () => (await h.call('GET', `/v1/simulations/${id}`)).json.status === 'cancelled',
      'the cancellation',
    );
    const [cancelled] = (await recorded('SimulationCancelled')).filter(
      (e) => e.data.simulationId === id,
    );
    expect(cancelled!.data.progress).toBeGreaterThanOrEqual(0.1);
    expect(cancelled!.data.progress).toBeLessThan(1);
    expect((await h.call('DELETE', `/v1/simulations/${id}`)).json.error.code).toBe(
      'SIMULATION_FINISHED',
    );
  });

  it('runs a Monte Carlo job to its end: percentile bands and the chance of each limit', async () => {
    const started = await run(
      {
        horizon: '2h',
        step: '5m',
        perturbations: [{ kind: 'fail', target: 'cooling_capacity', remaining: 0.4 }],
        monteCarlo: { samples: 300, seed: 9 },
      },
      '?async=true',
    );
    expect(started.status).toBe(202);
    const id = started.json.simulationId;
    await eventually(
      async () => (await h.call('GET', `/v1/simulations/${id}`)).json.status === 'completed',
      'the job to complete',
    );
    const { json } = await h.call('GET', `/v1/simulations/${id}`);
    expect(json.progress.fraction).toBe(1);
    const { uncertainty } = json.result;
    expect(uncertainty).toMatchObject({ samples: 300, seed: 9, percentiles: [5, 50, 95] });
    const band = uncertainty.bands.temperature;
    expect(band.p5).toHaveLength(25);
    expect(band.p5[24]).toBeLessThan(band.p95[24]);
    expect(uncertainty.crossingProbabilities.length).toBeGreaterThan(0);
    const completed = (await recorded('SimulationCompleted')).find(
      (e) => e.data.simulationId === id,
    )!;
    expect(completed.data.crossingProbabilities).toEqual(
      uncertainty.crossingProbabilities.map(
        ({ property, level, probability }: Record<string, unknown>) => ({
          property,
          level,
          probability,
        }),
      ),
    );
  });

  it('compares a scenario with its mitigation', async () => {
    const failure = { kind: 'fail', target: 'cooling_capacity', remaining: 0.3 };
    const { status, json } = await h.call('POST', '/v1/simulations/compare', {
      twinId: MILL,
      base: { horizon: '4h', perturbations: [failure] },
      alternative: {
        horizon: '4h',
        perturbations: [failure, { kind: 'set', target: 'spindle_speed', value: 5000 }],
      },
    });
    expect(status).toBe(200);
    expect(json.comparison.verdict).toBe('alternative-better');
    expect(json.base.riskLevel).not.toBe(json.alternative.riskLevel);
    expect(json.alternative.startAt).toBe(json.base.startAt);
    const sides = (await recorded('SimulationRequested')).filter(
      (e) => e.data.comparisonId === json.comparisonId,
    );
    expect(sides.map((e) => e.data.simulationId).sort()).toEqual(
      [json.base.simulationId, json.alternative.simulationId].sort(),
    );
  });

  it('refuses bad scenarios with 400 and a clear code, recording nothing', async () => {
    const before = (await h.events(MILL)).length;
    const cases: Array<[Record<string, unknown> | string, RegExp]> = [
      [
        { horizon: '1h', perturbations: [{ kind: 'set', target: 'colour', value: 1 }] },
        /unknown property or parameter "colour"/,
      ],
      [{ horizon: -3600 }, /horizon: must be positive/],
      [{ horizon: '365d', step: '1s' }, /steps, more than the limit/],
      [{ horizon: 'NaN' }, /"NaN" is not a duration/],
      [
        {
          horizon: '1h',
          perturbations: [{ kind: 'ramp', target: 'temperature', ratePerHour: 'NaN' }],
        },
        /ratePerHour/,
      ],
      [{ horizon: '1h', at: iso(NOW + 2 * HOUR) }, /in the future/],
      [{ horizon: '1h', at: 'yesterday' }, /not an ISO 8601 time/],
    ];
    for (const [body, message] of cases) {
      const r = await run(body as Record<string, unknown>);
      expect([r.status, r.json.error.code, r.json.error.message]).toEqual([
        400,
        'SCENARIO_INVALID',
        expect.stringMatching(message),
      ]);
    }
    const noTwin = await h.call('POST', '/v1/simulations', { horizon: '1h' });
    expect([noTwin.status, noTwin.json.error.code]).toEqual([400, 'SCENARIO_INVALID']);
    const malformed = await h.call('POST', '/v1/simulations', '{"twinId":');
    expect([malformed.status, malformed.json.error.code]).toEqual([400, 'JSON_MALFORMED']);
    expect((await h.events(MILL)).length).toBe(before);
  });

  it('answers 404 for an unknown twin or run and 422 for a twin type without a physics model', async () => {
    const ghost = await h.call('POST', '/v1/simulations', { twinId: 'ghost-1', horizon: '1h' });
    expect([ghost.status, ghost.json.error.code]).toEqual([404, 'TWIN_NOT_FOUND']);
    const pump = await h.call('POST', '/v1/simulations', { twinId: PUMP, horizon: '1h' });
    expect([pump.status, pump.json.error.code]).toEqual([422, 'PHYSICS_MODEL_MISSING']);
    const job = await h.call('GET', '/v1/simulations/no-such-run');
    expect([job.status, job.json.error.code]).toEqual([404, 'SIMULATION_NOT_FOUND']);
    const model = await h.call('GET', '/v1/physics/cnc-milling-machine');
    expect(model.json.parameters).toContainEqual(
      expect.objectContaining({ name: 'time_constant_s', declared: 900, unit: 's' }),
    );
  });

  it('runs from the command line: a plain report, exit 1 when an alarm is reached, 0 when the mitigation avoids it, 2 for bad input', async () => {
    const cli = async (...args: string[]) => {
      const child = spawn(
        process.execPath,
        [...tsRunner(), join(repoRoot(), 'apps/cli/src/main.ts'), 'simulate', ...args],
        { cwd: repoRoot(), env: { ...process.env, TWINLOG_SIMULATION_URL: h.service.url } },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((r) => child.once('close', r));
      return { code, stdout, stderr };
    };
    const failing = [
      '--twin',
      MILL,
      '--horizon',
      '4h',
      '--perturb',
      'fail cooling_capacity 20% at 0',
      '--perturb',
      'step spindle_speed +20%',
    ];
    const plain = await cli(...failing);
    expect({
      code: plain.code,
      stderr: plain.stderr.includes('twinlog:') ? plain.stderr : '',
    }).toEqual({ code: 1, stderr: '' });
    expect(plain.stdout).toMatch(/^risk: (HIGH|CRITICAL); first limit: /m);
    expect(plain.stdout).toMatch(/temperature\s+alarm\s+85 °C/);
    expect(plain.stdout).toMatch(/^recommendations:\n {2}- temperature reaches its alarm limit/m);

    const mitigated = await cli(
      ...failing,
      '--mitigate',
      'set spindle_speed 3000',
      '--mitigate',
      'step tool_wear -0.5',
      '--json',
    );
    expect(mitigated.code).toBe(0);
    const json = JSON.parse(mitigated.stdout);
    expect(json.comparison.verdict).toBe('alternative-better');
    expect(json.alternative.riskLevel).toMatch(/low|medium/);

    const bad = await cli('--twin', MILL, '--perturb', 'set colour 3');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /400 SCENARIO_INVALID: \n {2}- perturbations.0.target: unknown property or parameter "colour"/,
    );
  });
});
