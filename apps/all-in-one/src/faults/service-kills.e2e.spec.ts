import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@twinlog/domain';
import { KafkaEventLog } from '@twinlog/event-log';
import { realServer, registerTwinOverHttp, until } from '@twinlog/testing';
import {
  startService,
  topologyEnv,
  type ServiceName,
  type ServiceProcess,
} from '../testing/fault-rig';
import { scriptedReadings, withoutLogPositions } from '../testing/scripted-readings';
import { untilTwinsKnown, type LoadReading } from '../testing/steady-load';
import { groupsCaughtUp, readingIdsInLog } from '../testing/where-readings-are';

const TWINS = Array.from({ length: 6 }, (_, i) => `kill-${i}`);
const START_MS = Date.now() - 3 * 3_600_000;
const READINGS = scriptedReadings({
  twins: TWINS,
  seconds: 480,
  startMs: START_MS,
  overheat: {
    'kill-0': { from: 120, to: 150 },
    'kill-2': { from: 200, to: 230 },
    'kill-4': { from: 300, to: 320 },
  },
});
const BATCH = 120; // 5 s of the plant per request
const KILLED: ServiceName[] = ['twin-state', 'anomaly', 'simulation', 'maintenance', 'ingestion'];
const SERVICES: ServiceName[] = ['twin-state', 'ingestion', 'anomaly', 'maintenance', 'simulation'];
// A what-if run from a fixed past moment: the same input gives the same result in both runs.
const SCENARIO = {
  twinId: 'kill-1',
  at: new Date(START_MS + 400_000).toISOString(),
  horizon: '2h',
  step: '5m',
  perturbations: [{ kind: 'step', target: 'spindle_speed', percent: 20 }],
};

interface Outcome {
  readingIds: Map<string, number>;
  /** Anomaly findings, comparable across logs (sorted). */
  anomalies: string[];
  /** Maintenance predictions by twin and event time (the key of their ids), and how often each. */
  predictions: Map<string, { count: number; body: string }>;
  states: unknown[];
  refused: number;
  /** The what-if run's result (the parts that follow from the input). */
  simulated: unknown;
  /** Simulation events per run id: requested and finished (completed, cancelled or failed). */
  simulationRuns: Map<string, { requested: number; finished: number }>;
  /** What GET /v1/simulations/:id answered, after the restart, for the job the kill interrupted. */
  killedJob?: number;
}

/**
 * Each service SIGKILLed mid-stream and restarted, against a clean run of the same input: the
 * same readings in the log (none twice), the same anomaly findings and maintenance predictions
 * (none twice), the same twin states. The input is deterministic; what differs between two
 * logs (event ids, record times, revisions) is left out of the comparison.
 */
describe('services SIGKILLed mid-batch and restarted, against a clean run (distributed mode)', () => {
  jest.setTimeout(600_000);

  it('loses nothing and applies nothing twice', async () => {
    const clean = await run(false);
    const faulty = await run(true);
    const twice = [...faulty.readingIds].filter(([, n]) => n > 1).length;
    const otherContent = [...clean.predictions].filter(
      ([key, p]) => faulty.predictions.get(key)?.body !== p.body,
    ).length;
    process.stderr.write(
      `[faults] service kills: ${READINGS.length} readings sent in each run; in the log: clean ${clean.readingIds.size}, killed ${faulty.readingIds.size} (${twice} twice, ${faulty.refused} refused attempts resent); anomaly findings: clean ${clean.anomalies.length}, killed ${faulty.anomalies.length}; predictions: clean ${clean.predictions.size}, killed ${faulty.predictions.size}, ${otherContent} with other content\n`,
    );
    expect(clean.anomalies.filter((f) => f.includes('AnomalyDetected')).length).toBeGreaterThan(0);
    expect(clean.predictions.size).toBeGreaterThan(0);
    expect([...faulty.readingIds.keys()].sort()).toEqual([...clean.readingIds.keys()].sort());
    expect(faulty.anomalies).toEqual(clean.anomalies);
    // Every checkpoint's prediction, once. Their content may differ where an anomaly finding
    // reached maintenance after the checkpoint's readings (RELIABILITY.md, known gaps).
    expect([...faulty.predictions.keys()].sort()).toEqual([...clean.predictions.keys()].sort());
    expect([...faulty.predictions.values()].every((p) => p.count === 1)).toBe(true);
    expect(faulty.states).toEqual(clean.states);
    // The simulation service, killed during a job and restarted, computes the same what-if.
    expect(faulty.simulated).toEqual(clean.simulated);
    const runs = [...faulty.simulationRuns.values()];
    const orphaned = runs.filter((r) => r.finished === 0).length;
    process.stderr.write(
      `[faults] simulation killed mid-job: after the restart GET of that job answered ${faulty.killedJob}; runs recorded ${runs.length}, requested but never finished ${orphaned}\n`,
    );
    expect(runs.every((r) => r.requested === 1 && r.finished <= 1)).toBe(true);
    // A reading logged twice is absorbed downstream (above), but the log should hold it once:
    // this needs ingestion's de-duplication window to survive a restart (issue 15, defect 5).
    expect(twice).toBe(0);
  });
});

async function run(withKills: boolean): Promise<Outcome> {
  const kafka = realServer('kafka');
  const prefix = `kills-${withKills ? 'k' : 'c'}-${randomUUID().slice(0, 8)}.`;
  const env = {
    ...topologyEnv({ kafka, influx: realServer('influx') }, prefix),
    MAINTENANCE_CHECKPOINT_SECONDS: '60',
    ANOMALY_MAX_BATCH: '50',
    MAINTENANCE_MAX_BATCH: '200',
  };
  const services = new Map<ServiceName, ServiceProcess>();
  try {
    // The first creates the topics; the others then start side by side.
    services.set(SERVICES[0]!, await startService(SERVICES[0]!, env));
    for (const [name, started] of await Promise.all(
      SERVICES.slice(1).map(async (name) => [name, await startService(name, env)] as const),
    ))
      services.set(name, started);
    const twinState = services.get('twin-state')!;
    for (const twinId of TWINS) {
      await registerTwinOverHttp(twinState.url, {
        twinId,
        twinType: 'cnc-milling-machine',
        commissionedAt: new Date(START_MS - 86_400_000).toISOString(),
      });
    }
    await untilTwinsKnown(services.get('ingestion')!.url, TWINS);

    const batches: LoadReading[][] = [];
    for (let i = 0; i < READINGS.length; i += BATCH) batches.push(READINGS.slice(i, i + BATCH));
    const killAt = new Map(
      KILLED.map((name, i) => [Math.floor(((i + 1) * batches.length) / (KILLED.length + 1)), name]),
    );
    let refused = 0;
    let killedJobStatus: number | undefined;
    for (const [i, batch] of batches.entries()) {
      const victim = withKills ? killAt.get(i) : undefined;
      let killedJob: string | undefined;
      if (victim === 'simulation') killedJob = await startLongJob(services.get('simulation')!.url);
      if (victim) {
        const service = services.get(victim)!;
        // Mid-batch: the request in flight (for ingestion) or the batch being consumed dies with it.
        const sending = post(services.get('ingestion')!.url, batch);
        await service.kill();
        await sending.catch(() => undefined);
        await service.restart();
      }
      if (killedJob)
        killedJobStatus = (
          await fetch(`${services.get('simulation')!.url}/v1/simulations/${killedJob}`)
        ).status;
      while (!(await post(services.get('ingestion')!.url, batch).catch(() => false))) {
        refused += 1;
        await new Promise((r) => setTimeout(r, 500));
      }
    }

    const readingIds = await until(
      () => readingIdsInLog(kafka.brokers, prefix),
      (ids) => READINGS.every((r) => ids.has(r.readingId)),
      'every reading in the log',
      120_000,
    );
    const last = READINGS.at(-1)!;
    await until(
      () => Promise.all(TWINS.map((t) => json(`${twinState.url}/v1/twins/${t}`))),
      (states) =>
        states.every(
          (s) =>
            (s as { reported: Record<string, { occurredAt: string }> }).reported.power_consumption
              ?.occurredAt === last.time,
        ),
      "twin-state to have every twin's last reading",
      120_000,
    );
    const { anomalies, predictions } = await settledFindings(kafka.brokers, prefix);
    const states = await Promise.all(TWINS.map((t) => json(`${twinState.url}/v1/twins/${t}`)));
    // The latest prediction is compared above, as an event; the states without it.
    const comparable = states.map((st) =>
      withoutLogPositions({ ...(st as object), maintenancePrediction: null }),
    );
    const simulated = await simulate(services.get('simulation')!.url);
    const simulationRuns = await simulationRunsIn(kafka.brokers, prefix);
    return {
      readingIds,
      anomalies,
      predictions,
      states: comparable,
      refused,
      simulated,
      simulationRuns,
      ...(killedJobStatus === undefined ? {} : { killedJob: killedJobStatus }),
    };
  } finally {
    await Promise.allSettled([...services.values()].map((s) => s.stop()));
  }
}

/** The anomaly and maintenance services' events, comparable across logs. */
async function settledFindings(brokers: string[], prefix: string) {
  const all = await settledEvents(brokers, prefix);
  const anomalies = all
    .filter((e) => e.producer === 'anomaly')
    .map((e) => JSON.stringify(withoutLogPositions(e)));
  const predictions = new Map<string, { count: number; body: string }>();
  for (const e of all.filter((f) => f.producer === 'maintenance')) {
    const key = `${e.twinId}@${e.occurredAt}`;
    const count = (predictions.get(key)?.count ?? 0) + 1;
    predictions.set(key, { count, body: JSON.stringify(withoutLogPositions(e)) });
  }
  return { anomalies: anomalies.sort(), predictions };
}

/** Those events, once the anomaly and maintenance groups have committed all telemetry. */
async function settledEvents(brokers: string[], prefix: string): Promise<EventEnvelope[]> {
  await until(
    () => groupsCaughtUp(brokers, prefix, ['anomaly', 'maintenance']).catch(() => false),
    Boolean,
    'the anomaly and maintenance groups to commit every telemetry event',
    180_000,
  );
  const log = await KafkaEventLog.connect({
    brokers,
    topicPrefix: prefix,
    partitions: 3,
    clientLogLevel: 'nothing',
  });
  const found: EventEnvelope[] = [];
  try {
    await log.replay({ streams: ['twin-events'] }, async (batch) => {
      for (const { event } of batch)
        if (event.producer === 'anomaly' || event.producer === 'maintenance') found.push(event);
    });
  } finally {
    await log.close();
  }
  return found;
}

/** A long Monte Carlo job, under way: what a kill of the simulation service interrupts. */
async function startLongJob(url: string): Promise<string> {
  const started = await fetch(`${url}/v1/simulations?async=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      twinId: 'kill-1',
      horizon: '24h',
      step: '1m',
      monteCarlo: { samples: 3000, seed: 5 },
    }),
  });
  if (started.status !== 202)
    throw new Error(`the long job was not started: HTTP ${started.status}`);
  const { simulationId } = (await started.json()) as { simulationId: string };
  await until(
    async () =>
      ((await json(`${url}/v1/simulations/${simulationId}`)) as { status: string }).status,
    (status) => status === 'running',
    'the long simulation job under way',
  );
  return simulationId;
}

async function simulate(url: string): Promise<unknown> {
  const answer = await fetch(`${url}/v1/simulations?async=false`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(SCENARIO),
  });
  const body = (await answer.json()) as Record<string, unknown>;
  if (answer.status !== 200)
    throw new Error(`simulation: HTTP ${answer.status} ${JSON.stringify(body)}`);
  const { riskLevel, firstLimit, trajectory, parameters, start } = body;
  return { riskLevel, firstLimit, trajectory, parameters, start };
}

async function simulationRunsIn(brokers: string[], prefix: string) {
  const log = await KafkaEventLog.connect({
    brokers,
    topicPrefix: prefix,
    partitions: 3,
    clientLogLevel: 'nothing',
  });
  const runs = new Map<string, { requested: number; finished: number }>();
  try {
    await log.replay({ streams: ['twin-events'] }, async (batch) => {
      for (const { event } of batch) {
        if (!event.type.startsWith('Simulation')) continue;
        const id = (event.data as { simulationId: string }).simulationId;
        const run = runs.get(id) ?? { requested: 0, finished: 0 };
        if (event.type === 'SimulationRequested') run.requested += 1;
        else run.finished += 1;
        runs.set(id, run);
      }
    });
  } finally {
    await log.close();
  }
  return runs;
}

async function post(url: string, batch: LoadReading[]): Promise<boolean> {
  const answer = await fetch(`${url}/v1/readings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(batch),
    signal: AbortSignal.timeout(30_000),
  });
  if (answer.status !== 200) return false;
  const body = (await answer.json()) as { accepted: number; duplicates: number };
  return body.accepted + body.duplicates === batch.length;
}

async function json(url: string): Promise<unknown> {
  const answer = await fetch(url);
  if (!answer.ok) throw new Error(`GET ${url}: HTTP ${answer.status}`);
  return answer.json();
}
