import { randomUUID } from 'node:crypto';
import { eventually } from '@twinlog/event-log/testing';
import { syntheticHistory, VARIED } from '@twinlog/physics/testing';
import { jobKey } from './jobs/job-records';
import { JOB_HEARTBEAT_MS } from './jobs/simulation-jobs';
import { startSimulationHarness, type SimulationHarness } from './testing/simulation-harness';

const HOUR = 3_600_000;
const ONE_WORKER = { SIMULATION_WORKERS: '1' };
const NOW = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

// Simulation with more than one replica (issue 25): two instances on one Kafka installation
// (the same topic prefix) share their jobs through the log, so either answers for a job the
// other runs, a cancel reaches the one computing it, and a restart loses no finished result.
describe('simulation replicas sharing their jobs (Kafka)', () => {
  const prefix = `simrep-${randomUUID().slice(0, 8)}.`;
  const MILL = `mill-${randomUUID().slice(0, 8)}`;
  let a: SimulationHarness;
  let b: SimulationHarness;
  const history = syntheticHistory({
    truth: { tool_life_h: 20, time_constant_s: 1200 },
    endAt: iso(NOW - 2 * 60_000),
    historySeconds: 2 * 3600,
    intervalSeconds: 60,
    profile: VARIED,
    initial: { temperature: 30, tool_wear: 0.05 },
    noise: { temperature: 0.2, power_consumption: 0.1, tool_wear: 0.002, vibration: 0.05 },
    seed: 3,
  });
  const start = (h: SimulationHarness, body: Record<string, unknown>) =>
    h.call('POST', '/v1/simulations?async=true', { twinId: MILL, ...body });
  const job = async (h: SimulationHarness, id: string) =>
    (await h.call('GET', `/v1/simulations/${id}`)).json;

  beforeAll(async () => {
    // One worker on a: runs queue behind each other, so a job can be running for seconds.
    a = await startSimulationHarness('kafka', { TWINLOG_TOPIC_PREFIX: prefix, ...ONE_WORKER });
    b = await startSimulationHarness('kafka', { TWINLOG_TOPIC_PREFIX: prefix });
    await a.register(MILL, 'cnc-milling-machine', iso(NOW - 10 * HOUR));
    await a.write(MILL, 'cnc-milling-machine', history.readings);
    await eventually(
      async () =>
        (await a.call('POST', '/v1/simulations', { twinId: MILL, horizon: '10m' })).status === 200,
      'a first run (the stream index caught up)',
      60_000,
    );
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('answers on either replica for a job the other runs: its progress, then the same result', async () => {
    const started = await start(a, {
      horizon: '2h',
      step: '1m',
      monteCarlo: { samples: 400, seed: 4 },
    });
    expect(started.status).toBe(202);
    const id = started.json.simulationId;
    // At once: the job is stored before the 202.
    expect(await job(b, id)).toMatchObject({ simulationId: id, twinId: MILL, kind: 'run' });
    await eventually(async () => (await job(b, id)).status === 'completed', 'the job on b', 60_000);
    const onA = await job(a, id);
    const onB = await job(b, id);
    expect(onB).toEqual(onA);
    expect(onB.result.uncertainty.samples).toBe(400);
    const listed = (await b.call('GET', `/v1/simulations?twinId=${MILL}`)).json.simulations;
    expect(listed.map((s: { simulationId: string }) => s.simulationId)).toContain(id);
  });

  it('stops a job running on one replica when the other is asked to cancel it', async () => {
    // Three large runs ahead of it on a's one worker keep the last one running (queued) for
    // seconds, however fast this machine computes.
    const big = { horizon: '24h', step: '1m', monteCarlo: { samples: 3400, seed: 5 } };
    const ahead: string[] = [];
    for (let i = 0; i < 3; i++) {
      const filler = await start(a, big);
      expect(filler.status).toBe(202);
      ahead.push(filler.json.simulationId);
    }
    const started = await start(a, big);
    const id = started.json.simulationId;
    expect((await job(b, id)).status).toBe('running');
    const cancel = await b.call('DELETE', `/v1/simulations/${id}`);
    expect(cancel.status).toBe(202);
    expect(cancel.json).toMatchObject({ status: 'running', cancelRequested: true });
    await eventually(async () => (await job(a, id)).status === 'cancelled', 'a stops it', 30_000);
    expect((await job(b, id)).status).toBe('cancelled');
    expect((await job(b, id)).progress.fraction).toBeLessThan(1);
    expect((await b.call('DELETE', `/v1/simulations/${id}`)).json.error.code).toBe(
      'SIMULATION_FINISHED',
    );
    // The runs ahead of it are of no more use: a's worker is free for the next tests.
    for (const filler of ahead) await a.call('DELETE', `/v1/simulations/${filler}`);
  });

  it('reports a job whose replica went silent as failed, SIMULATION_LOST', async () => {
    // A replica killed mid-run leaves its last record, running, with an old heartbeat.
    const id = randomUUID();
    const beat = iso(Date.now() - 4 * JOB_HEARTBEAT_MS);
    await a.infra.log.simulationJobs.put(jobKey(id), {
      id,
      kind: 'run',
      twinId: MILL,
      site: 'plant-a',
      status: 'running',
      progress: { phase: 'monte-carlo', fraction: 0.4 },
      createdAt: beat,
      finishedAt: null,
      result: null,
      error: null,
      replica: 'a-replica-that-was-killed',
      heartbeatAt: beat,
    });
    const lost = await job(b, id);
    expect(lost).toMatchObject({ status: 'failed', error: { code: 'SIMULATION_LOST' } });
    expect(lost.error.message).toMatch(/stopped answering/);
    // Judged at each read, by every replica alike; never written over the running replica's
    // own record, which would stay if it came.
    expect(await job(a, id)).toMatchObject({
      status: 'failed',
      error: { code: 'SIMULATION_LOST' },
    });
    expect((await a.infra.log.simulationJobs.get(jobKey(id))) as { status: string }).toMatchObject({
      status: 'running',
    });
  });

  it('keeps a finished result through a replica’s restart', async () => {
    const started = await start(a, { horizon: '1h', step: '5m' });
    const id = started.json.simulationId;
    await eventually(async () => (await job(a, id)).status === 'completed', 'the job', 60_000);
    const before = await job(a, id);
    await a.close();
    a = await startSimulationHarness('kafka', { TWINLOG_TOPIC_PREFIX: prefix, ...ONE_WORKER });
    expect(await job(a, id)).toEqual(before);
    expect((await a.call('GET', `/v1/simulations/${randomUUID()}`)).status).toBe(404);
  });
});
