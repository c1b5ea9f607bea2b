import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import {
  decideTwin,
  evolveTwin,
  initialTwinState,
  stampEvents,
  type NewEvent,
} from '@twinlog/domain';
import { TwinDirectory } from '@twinlog/read-models';
import { registerTwins } from '@twinlog/testing';
import {
  anomalyEnv,
  appendInChunks,
  findingsIn,
  spawnWorker,
  startWorker,
  until,
  type Finding,
} from './testing/anomaly-harness';
import { telemetryScript } from './testing/telemetry-script';

const START = Date.now() - 3_600_000;
const READINGS_PER_EVENT = 4;

describe.each(['embedded', 'distributed'] as const)('anomaly worker (%s mode)', (mode) => {
  jest.setTimeout(120_000);

  it('reports one episode per overheat and clears it after a restart, neither losing nor repeating findings', async () => {
    const id = randomUUID().slice(0, 8);
    const env = anomalyEnv(mode, id);
    const hot = `cnc-hot-${id}`;
    const calm = `cnc-calm-${id}`;
    const script = telemetryScript({
      twins: [hot, calm],
      seconds: 140,
      start: START,
      overheat: { [hot]: { from: 80, to: 95 } },
    });
    // Up to second 90 the overheat has begun; its end (and the clearing) comes after the restart.
    const [before, after] = [script.slice(0, 90 * 2), script.slice(90 * 2)];

    const first = await startWorker(env);
    await registerTwins(first.infra.log, first.infra.catalog, [
      { twinId: hot, twinType: 'cnc-milling-machine' },
      { twinId: calm, twinType: 'cnc-milling-machine' },
    ]);
    await appendInChunks(first.infra.log, before);
    await until(
      () => first.service.worker.stats.readingsJudged,
      (n) => n === before.length * READINGS_PER_EVENT,
      'the first worker to judge every reading',
    );
    const opened = (await findingsIn(first.infra.log)).filter((f) => f.twinId === hot);
    const limitEpisode = opened.find(
      (f) => f.type === 'AnomalyDetected' && (f.data as { detector: string }).detector === 'limits',
    );
    expect(limitEpisode).toMatchObject({
      occurredAt: new Date(START + 80_000).toISOString(),
      data: {
        properties: ['temperature'],
        severity: expect.stringMatching(/alarm|critical/),
        evidence: [expect.objectContaining({ property: 'temperature', expectedHigh: 65 })],
      },
    });
    expect((limitEpisode!.data as { score: number }).score).toBeGreaterThan(0.5);
    await first.close();

    const second = await startWorker(env);
    try {
      await appendInChunks(second.infra.log, after);
      await until(
        () => second.service.worker.stats,
        (s) => s.readingsJudged === after.length * READINGS_PER_EVENT,
        'the restarted worker to judge the new readings',
      );
      // It rebuilt its detectors from the readings judged before the restart, without reporting them again.
      expect(second.service.worker.stats.readingsReplayed).toBe(before.length * READINGS_PER_EVENT);
      const findings = await findingsIn(second.infra.log);
      expect(new Set(findings.map((f) => f.id)).size).toBe(findings.length);
      const limits = findings.filter((f) => (f.data as { detector: string }).detector === 'limits');
      expect(limits.map((f) => [f.twinId, f.type, f.occurredAt])).toEqual([
        [hot, 'AnomalyDetected', new Date(START + 80_000).toISOString()],
        // Five readings back in range close the episode: seconds 95..99.
        [hot, 'AnomalyCleared', new Date(START + 99_000).toISOString()],
      ]);
      expect(findings.filter((f) => f.twinId === calm)).toEqual([]);
      const status = await (await fetch(`${second.service.url}/v1/worker`)).json();
      expect(status).toMatchObject({
        twinsMonitored: 2,
        readingsJudged: after.length * 4,
        partitions: mode === 'embedded' ? [0] : expect.arrayContaining([]),
      });
    } finally {
      await second.close();
    }
  });
});

describe('anomaly workers sharing telemetry partitions (Kafka)', () => {
  jest.setTimeout(240_000);

  it('after one of two workers is killed mid-stream, reports exactly what a single worker reports', async () => {
    const twins = Array.from({ length: 9 }, (_, i) => `cnc-${i}`);
    const overheat = Object.fromEntries(
      twins
        .filter((_, i) => i % 2 === 0)
        .map((t, i) => [t, { from: 100 + 40 * i, to: 115 + 40 * i }]),
    );
    const script = telemetryScript({ twins, seconds: 400, start: START, overheat });
    const total = script.length * READINGS_PER_EVENT;
    const register = (w: Awaited<ReturnType<typeof startWorker>>) =>
      registerTwins(
        w.infra.log,
        w.infra.catalog,
        twins.map((twinId) => ({ twinId, twinType: 'cnc-milling-machine' })),
      );

    // The reference: one worker judges everything.
    const single = await startWorker(anomalyEnv('distributed', randomUUID().slice(0, 8)));
    let expected: Finding[];
    try {
      await register(single);
      await appendInChunks(single.infra.log, script);
      await until(
        () => single.service.worker.stats.readingsJudged,
        (n) => n === total,
        'the single worker to judge every reading',
      );
      expected = await findingsIn(single.infra.log);
    } finally {
      await single.close();
    }
    expect(expected.filter((f) => f.type === 'AnomalyDetected').length).toBeGreaterThanOrEqual(5);

    // Two workers in one group over the same input; one of them, a process of its own, is killed.
    const env = anomalyEnv('distributed', randomUUID().slice(0, 8), { ANOMALY_MAX_BATCH: '100' });
    const survivor = await startWorker(env);
    const doomed = await spawnWorker(env);
    try {
      await register(survivor);
      const judgedBy = async (url: string) =>
        ((await (await fetch(`${url}/v1/worker`)).json()) as { readingsJudged: number })
          .readingsJudged;
      const half = Math.floor(script.length / 2);
      await appendInChunks(survivor.infra.log, script.slice(0, half), 50);
      await until(
        () => judgedBy(doomed.url),
        (n) => n > 0,
        'the second worker to take a share',
      );
      doomed.child.kill('SIGKILL');
      await appendInChunks(survivor.infra.log, script.slice(half), 50);
      await until(
        () => findingsIn(survivor.infra.log),
        (found) => sameFindings(found, expected),
        'the survivor to report what the single worker reported',
        120_000,
      );
      const found = await findingsIn(survivor.infra.log);
      expect(new Set(found.map((f) => f.id)).size).toBe(found.length);
      expect(sortById(found)).toEqual(sortById(expected));
      expect(survivor.service.worker.stats.restores).toBeGreaterThan(0);
      // After the rebalance the survivor holds every partition, and says so.
      const status = (await (await fetch(`${survivor.service.url}/v1/worker`)).json()) as {
        partitions: number[];
      };
      expect(status.partitions).toEqual([0, 1, 2]);
    } finally {
      doomed.child.kill('SIGKILL');
      await survivor.close();
    }
  });
});

function sortById(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => a.id.localeCompare(b.id));
}

function sameFindings(a: Finding[], b: Finding[]): boolean {
  return JSON.stringify(sortById(a)) === JSON.stringify(sortById(b));
}

describe('anomaly worker and bad messages (Kafka)', () => {
  jest.setTimeout(120_000);

  it('dead-letters a poison telemetry message and keeps judging the partition', async () => {
    const id = randomUUID().slice(0, 8);
    const env = anomalyEnv('distributed', id);
    const worker = await startWorker(env);
    const kafka = new Kafka({
      brokers: env['KAFKA_BROKERS']!.split(','),
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    try {
      const twinId = `cnc-${id}`;
      await registerTwins(worker.infra.log, worker.infra.catalog, [
        { twinId, twinType: 'cnc-milling-machine' },
      ]);
      await producer.send({
        topic: `${env['TWINLOG_TOPIC_PREFIX']}telemetry`,
        messages: [{ key: twinId, value: '{"type":"TelemetryReported", not json' }],
      });
      const script = telemetryScript({
        twins: [twinId],
        seconds: 30,
        start: START,
        overheat: { [twinId]: { from: 10, to: 20 } },
      });
      await appendInChunks(worker.infra.log, script);
      await until(
        () => worker.service.worker.stats.readingsJudged,
        (n) => n === script.length * READINGS_PER_EVENT,
        'every valid reading judged',
      );
      const letters = await worker.infra.log.readDeadLetters();
      expect(letters).toEqual([
        expect.objectContaining({ consumer: 'anomaly', code: 'EVENT_INVALID' }),
      ]);
      const findings = await findingsIn(worker.infra.log);
      expect(
        findings.map((f) => [f.type, (f.data as { detector: string }).detector]),
      ).toContainEqual(['AnomalyDetected', 'limits']);
    } finally {
      await producer.disconnect();
      await worker.close();
    }
  });
});

describe('anomaly worker and changed limits (embedded)', () => {
  jest.setTimeout(120_000);

  it('judges by new limits from the reading after the worker learns of them', async () => {
    const id = randomUUID().slice(0, 8);
    const worker = await startWorker(anomalyEnv('embedded', id));
    try {
      const twinId = `cnc-${id}`;
      await registerTwins(worker.infra.log, worker.infra.catalog, [
        { twinId, twinType: 'cnc-milling-machine' },
      ]);
      const warm = telemetryScript({ twins: [twinId], seconds: 20, start: START });
      // 70 °C is in the warning band of the seed model (normal up to 65).
      const warmish = (from: number, n: number) =>
        warm.slice(0, n).map((e, i): NewEvent => ({
          ...e,
          type: 'TelemetryReported',
          id: `${twinId}/w${from + i}`,
          occurredAt: new Date(START + (from + i) * 1000).toISOString(),
          data: {
            readings: [
              {
                readingId: `${twinId}/w${from + i}`,
                property: 'temperature',
                value: 70,
                unit: '°C',
                occurredAt: new Date(START + (from + i) * 1000).toISOString(),
              },
            ],
          },
        }));
      const judged = () => worker.service.worker.stats.readingsJudged;
      await appendInChunks(worker.infra.log, warmish(100, 3));
      await until(judged, (n) => n === 3, 'the warm readings judged');
      const limitEvents = async () =>
        (await findingsIn(worker.infra.log))
          .filter((f) => (f.data as { detector: string }).detector === 'limits')
          .map((f) => f.type);
      expect(await limitEvents()).toEqual(['AnomalyDetected']);
      const [changed] = stampEvents(
        twinId,
        decideTwin(
          {
            type: 'ChangeLimits',
            property: 'temperature',
            limits: { normal: { low: 15, high: 80 }, warning: { high: 85 }, alarm: { high: 90 } },
          },
          (await worker.infra.log.readStream(twinId)).reduce(evolveTwin, initialTwinState(twinId)),
          { catalog: worker.infra.catalog, now: new Date().toISOString(), maxFutureSkewMs: 0 },
        ),
        {
          commandId: randomUUID(),
          correlationId: randomUUID(),
          causationId: null,
          producer: 'test',
          now: new Date().toISOString(),
        },
      );
      await worker.infra.log.append([changed!]);
      await until(
        () =>
          worker.service.app.get(TwinDirectory).get(twinId)?.limits['temperature']?.normal?.high,
        (high) => high === 80,
        'the directory to learn the new limits',
      );
      await appendInChunks(worker.infra.log, warmish(103, 5));
      await until(judged, (n) => n === 8, 'the readings after the change judged');
      expect(await limitEvents()).toEqual(['AnomalyDetected', 'AnomalyCleared']);
    } finally {
      await worker.close();
    }
  });
});

describe('anomaly worker and a tool wearing through its limits (embedded)', () => {
  jest.setTimeout(120_000);

  it("raises the open episode to alarm and critical once each, across a restart (the demo's tool)", async () => {
    const id = randomUUID().slice(0, 8);
    const env = anomalyEnv('embedded', id);
    const twinId = `tool-${id}`;
    // Wear 0.50 to 1.04, one reading a second: warning past 0.6, alarm from 0.9, failure from 1.
    const wear = Array.from({ length: 55 }, (_, i): NewEvent => {
      const at = new Date(START + i * 1000).toISOString();
      return {
        id: `${twinId}/wear-${i}`,
        type: 'TelemetryReported',
        twinId,
        occurredAt: at,
        recordedAt: at,
        correlationId: `${twinId}/wear-${i}`,
        causationId: null,
        producer: 'ingestion',
        schemaVersion: 2,
        data: {
          readings: [
            {
              readingId: `${twinId}/wear-${i}`,
              property: 'tool_wear',
              value: Math.round((0.5 + i * 0.01) * 100) / 100,
              unit: '1',
              occurredAt: at,
            },
          ],
        },
      } as NewEvent;
    });
    const limitsFindings = async (log: Parameters<typeof findingsIn>[0]) =>
      (await findingsIn(log)).filter((f) => (f.data as { detector: string }).detector === 'limits');

    const first = await startWorker(env);
    await registerTwins(first.infra.log, first.infra.catalog, [
      { twinId, twinType: 'cutting-tool' },
    ]);
    await appendInChunks(first.infra.log, wear.slice(0, 45)); // up to 0.94: alarm
    await until(
      () => first.service.worker.stats.readingsJudged,
      (n) => n === 45,
      'the first worker to judge the readings up to the alarm band',
    );
    await first.close();

    const second = await startWorker(env);
    try {
      await appendInChunks(second.infra.log, wear.slice(45));
      await until(
        () => second.service.worker.stats.readingsJudged,
        (n) => n === 10,
        'the restarted worker to judge the readings past the failure limit',
      );
      const found = await limitsFindings(second.infra.log);
      expect(new Set(found.map((f) => f.id)).size).toBe(found.length);
      const at = (i: number) => new Date(START + i * 1000).toISOString();
      expect(
        found.map((f) => [f.type, (f.data as { severity?: string }).severity, f.occurredAt]),
      ).toEqual([
        ['AnomalyDetected', 'warning', at(11)], // 0.61
        ['AnomalyEscalated', 'alarm', at(40)], // 0.90
        ['AnomalyEscalated', 'critical', at(50)], // 1.00
      ]);
      const episodeId = (found[0]!.data as { episodeId: string }).episodeId;
      expect(found.map((f) => (f.data as { episodeId: string }).episodeId)).toEqual([
        episodeId,
        episodeId,
        episodeId,
      ]);
      expect(found[2]!.id).toBe(`${episodeId}/escalated/critical`);
    } finally {
      await second.close();
    }
  });
});
