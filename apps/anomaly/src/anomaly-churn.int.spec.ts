import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { registerTwins } from '@twinlog/testing';
import {
  anomalyEnv,
  appendInChunks,
  findingsIn,
  spawnWorker,
  startWorker,
  until,
  type Finding,
  type Worker,
} from './testing/anomaly-harness';
import { telemetryScript } from './testing/telemetry-script';

const START = Date.now() - 3_600_000;
const READINGS_PER_EVENT = 4;
const TWINS = Array.from({ length: 9 }, (_, i) => `cnc-${i}`);
const SCRIPT = telemetryScript({
  twins: TWINS,
  seconds: 360,
  start: START,
  overheat: Object.fromEntries(
    TWINS.filter((_, i) => i % 2 === 0).map((t, i) => [t, { from: 60 + 50 * i, to: 75 + 50 * i }]),
  ),
});

const register = (w: Worker) =>
  registerTwins(
    w.infra.log,
    w.infra.catalog,
    TWINS.map((twinId) => ({ twinId, twinType: 'cnc-milling-machine' })),
  );
const byId = (findings: Finding[]) => [...findings].sort((a, b) => a.id.localeCompare(b.id));

/**
 * Workers joining and leaving the anomaly group while telemetry flows (each join and leave a
 * rebalance; leaves alternate a clean SIGTERM and a SIGKILL): the findings are exactly those of
 * one worker over the same input, none twice.
 */
describe('anomaly workers joining and leaving during a run (Kafka)', () => {
  jest.setTimeout(420_000);

  it('reports exactly what one worker reports', async () => {
    const single = await startWorker(anomalyEnv('distributed', randomUUID().slice(0, 8)));
    let expected: Finding[];
    try {
      await register(single);
      await appendInChunks(single.infra.log, SCRIPT);
      await until(
        () => single.service.worker.stats.readingsJudged,
        (n) => n === SCRIPT.length * READINGS_PER_EVENT,
        'the single worker to judge every reading',
      );
      expected = await findingsIn(single.infra.log);
    } finally {
      await single.close();
    }
    expect(expected.filter((f) => f.type === 'AnomalyDetected').length).toBeGreaterThanOrEqual(4);

    const env = anomalyEnv('distributed', randomUUID().slice(0, 8), { ANOMALY_MAX_BATCH: '100' });
    const survivor = await startWorker(env);
    const guests: Array<{ child: ChildProcess; url: string }> = [];
    const holds = async (url: string) =>
      ((await (await fetch(`${url}/v1/worker`)).json()) as { partitions: number[] }).partitions
        .length > 0;
    const join = async () => {
      const guest = await spawnWorker(env);
      guests.push(guest);
      await until(
        () => holds(guest.url).catch(() => false),
        Boolean,
        'the new worker to get partitions',
        120_000,
      );
      return guest;
    };
    const leave = async (guest: { child: ChildProcess }, signal: NodeJS.Signals) => {
      const gone = new Promise((r) => guest.child.once('exit', r));
      guest.child.kill(signal);
      await gone;
    };
    try {
      await register(survivor);
      const chunks = 6;
      const chunk = (i: number) =>
        SCRIPT.slice(
          Math.floor((i * SCRIPT.length) / chunks),
          Math.floor(((i + 1) * SCRIPT.length) / chunks),
        );
      await appendInChunks(survivor.infra.log, chunk(0), 50);
      const a = await join();
      await appendInChunks(survivor.infra.log, chunk(1), 50);
      const b = await join();
      await appendInChunks(survivor.infra.log, chunk(2), 50);
      await leave(a, 'SIGKILL');
      await appendInChunks(survivor.infra.log, chunk(3), 50);
      await leave(b, 'SIGTERM');
      const c = await join();
      await appendInChunks(survivor.infra.log, chunk(4), 50);
      await leave(c, 'SIGKILL');
      await appendInChunks(survivor.infra.log, chunk(5), 50);

      await until(
        () => findingsIn(survivor.infra.log),
        (found) => JSON.stringify(byId(found)) === JSON.stringify(byId(expected)),
        'the group to report what the single worker reported',
        180_000,
      );
      const found = await findingsIn(survivor.infra.log);
      process.stderr.write(
        `[faults] anomaly churn: ${SCRIPT.length * READINGS_PER_EVENT} readings, 3 joins and 3 leaves (2 SIGKILL); findings ${found.length}, one worker ${expected.length}\n`,
      );
      expect(new Set(found.map((f) => f.id)).size).toBe(found.length);
      expect(byId(found)).toEqual(byId(expected));
    } finally {
      for (const g of guests) g.child.kill('SIGKILL');
      await survivor.close();
    }
  });
});
