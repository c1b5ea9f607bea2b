import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kafka, logLevel } from 'kafkajs';
import { TwinProjection, type TwinState } from '@twinlog/domain';
import { newWorkDir, realServer, repoRoot, startLocalKafka, tsRunner } from '@twinlog/testing';
import { eventually, registered, telemetry } from '../testing/sample-events';
import { KafkaEventLog } from './kafka-event-log';

const prefix = () => `fault-${randomUUID().slice(0, 8)}.`;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

describe('Kafka event log under faults (real broker)', () => {
  const { brokers } = realServer('kafka');

  it('dead-letters a message that is not JSON or fails its schema, and the partition keeps moving', async () => {
    const topicPrefix = prefix();
    const log = await KafkaEventLog.connect({ brokers, topicPrefix, partitions: 1 });
    const raw = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
    await raw.connect();
    const valid = telemetry('m-1', 42, minutesAgo(1));
    await raw.send({
      topic: `${topicPrefix}telemetry`,
      messages: [
        { key: 'm-1', value: '{"this is": not json' },
        {
          key: 'm-1',
          value: JSON.stringify({
            ...telemetry('m-1', 1, minutesAgo(2)),
            data: { readings: [{ property: 'temperature', value: 'hot' }] },
          }),
        },
      ],
    });
    await raw.disconnect();
    await log.append([valid]);

    const seen: string[] = [];
    const sub = await log.subscribe({
      group: `g-${randomUUID()}`,
      streams: ['telemetry'],
      handler: async (b) => void seen.push(...b.map((r) => r.event.id)),
    });
    await eventually(() => seen.includes(valid.id), 'the valid event behind two poison messages');
    await sub.stop();

    const letters = await log.readDeadLetters();
    expect(letters).toHaveLength(2);
    expect(letters[0]).toMatchObject({
      code: 'EVENT_INVALID',
      source: { stream: 'telemetry', partition: 0, offset: 0 },
      payload: '{"this is": not json',
    });
    expect(letters[0]!.reason).toMatch(/not valid JSON/);
    expect(letters[1]).toMatchObject({ code: 'EVENT_INVALID', source: { offset: 1 } });
    expect(letters[1]!.reason).toMatch(/readings\.0/);
    expect(seen).toEqual([valid.id]);
    await log.close();
  });

  it('loses nothing and applies nothing twice when a consumer is killed mid-batch', async () => {
    const run = await crashRun(brokers);
    const first = await run.start();
    await run.appliedAtLeast(60, 'the first worker');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const appliedAtKill = run.count('SELECT COUNT(*) AS n FROM applied');
    expect(appliedAtKill).toBeLessThan(run.total);

    await run.restartAndFinish(`${appliedAtKill} at the kill`);
    expect(run.count('SELECT MAX(times) AS n FROM applied')).toBe(1);
    // The kill left applied-but-uncommitted events: they were delivered again and skipped.
    expect(run.count('SELECT n FROM redelivered')).toBeGreaterThan(0);
  }, 180_000);

  it('stops cleanly on SIGTERM: the batch in hand is finished and committed, so nothing is redelivered', async () => {
    const run = await crashRun(brokers);
    const first = await run.start();
    await run.appliedAtLeast(60, 'the first worker');
    const stoppedAt = Date.now();
    first.kill('SIGTERM');
    const code = await new Promise((r) => first.once('exit', r));
    expect(code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    const appliedAtStop = run.count('SELECT COUNT(*) AS n FROM applied');
    expect(appliedAtStop).toBeLessThan(run.total);

    await run.restartAndFinish(`${appliedAtStop} at the stop`);
    expect(run.count('SELECT MAX(times) AS n FROM applied')).toBe(1);
    // Unlike the kill above, every applied event's offset was committed before leaving.
    expect(run.count('SELECT n FROM redelivered')).toBe(0);
  }, 180_000);

  it('keeps every acknowledged append across a broker restart in the middle of producing', async () => {
    const broker = await startLocalKafka({
      workDir: newWorkDir(),
      detached: false,
      progress: () => undefined,
    });
    try {
      // Connection errors while the broker is down are expected here; keep them out of the output.
      const log = await KafkaEventLog.connect({
        brokers: broker.settings.brokers,
        topicPrefix: prefix(),
        partitions: 3,
        clientLogLevel: 'nothing',
      });
      const acknowledged: string[] = [];
      let failed = 0;
      let restarted = false;
      const producing = (async () => {
        for (let i = 0; i < 400; i++) {
          const event = telemetry(`m-${i % 7}`, i, minutesAgo(30));
          try {
            await log.append([event]);
            acknowledged.push(event.id);
          } catch {
            failed += 1;
          }
          if (restarted && acknowledged.length > 300) break;
        }
      })();
      await eventually(
        () => acknowledged.length >= 100,
        '100 acknowledged appends before the restart',
      );
      await broker.restart!();
      restarted = true;
      await producing;
      const afterRestart = acknowledged.length;
      expect(afterRestart).toBeGreaterThan(100);

      const stored = new Set<string>();
      await log.replay({ streams: ['telemetry'] }, async (batch) =>
        batch.forEach((r) => stored.add(r.event.id)),
      );
      const missing = acknowledged.filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      expect(failed).toBeLessThan(50);
      await log.close();
    } finally {
      await broker.stop();
    }
  }, 180_000);

  it('folds to the same state when events are delivered twice and telemetry arrives out of order', async () => {
    const twinId = 'm-order';
    const clean = [
      registered(twinId, { recordedAt: minutesAgo(100) }),
      ...[1, 2, 3, 4, 5].map((i) => telemetry(twinId, 40 + i, minutesAgo(60 - i))),
    ];
    const messy = [
      clean[0]!,
      clean[3]!,
      clean[1]!,
      clean[5]!,
      clean[2]!,
      clean[1]!,
      clean[4]!,
      clean[5]!,
    ];

    const fold = async (events: typeof clean, raw: boolean) => {
      const topicPrefix = prefix();
      const log = await KafkaEventLog.connect({ brokers, topicPrefix, partitions: 2 });
      if (raw) {
        // Bypass the adapter's duplicate check, as a producer retry after a lost acknowledgement would.
        const producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
        await producer.connect();
        for (const e of events) {
          const topic = `${topicPrefix}${e.type === 'TelemetryReported' ? 'telemetry' : 'twin-events'}`;
          await producer.send({ topic, messages: [{ key: e.twinId, value: JSON.stringify(e) }] });
        }
        await producer.disconnect();
      } else {
        await log.append(events);
      }
      const projection = new TwinProjection();
      await log.replay({ streams: ['twin-events', 'telemetry'] }, async (batch) =>
        projection.apply(batch.map((r) => r.event)),
      );
      await log.close();
      return comparable(projection.get(twinId)!);
    };

    const [expected, actual] = [await fold(clean, false), await fold(messy, true)];
    expect((actual as TwinState).reported['temperature']).toMatchObject({ value: 45 });
    expect(actual).toEqual(expected);
  });
});

/** The state without log positions, which legitimately differ between two logs. */
function comparable(state: TwinState): unknown {
  const reported = Object.fromEntries(
    Object.entries(state.reported).map(([k, v]) => [k, { ...v, revision: 0 }]),
  );
  return {
    ...state,
    revision: 0,
    telemetryRevision: 0,
    reported,
  };
}

/** 200 events on 2 partitions and a slow projection worker (a child process) to consume them. */
async function crashRun(brokers: string[]) {
  const topicPrefix = prefix();
  const log = await KafkaEventLog.connect({ brokers, topicPrefix, partitions: 2 });
  const twins = ['m-1', 'm-2', 'm-3', 'm-4'];
  const total = 200;
  await log.append(
    Array.from({ length: total }, (_, i) => telemetry(twins[i % 4]!, i, minutesAgo(60 - i * 0.1))),
  );
  await log.close();

  const dbPath = join(mkdtempSync(join(tmpdir(), 'twinlog-crash-')), 'projection.sqlite');
  const group = `g-${randomUUID()}`;
  const start = () => startWorker([brokers.join(','), topicPrefix, group, dbPath, '8']);
  const count = (sql: string) => {
    try {
      const handle = new DatabaseSync(dbPath, { readOnly: true });
      const value = Number(handle.prepare(sql).get()?.['n'] ?? 0);
      handle.close();
      return value;
    } catch {
      return 0;
    }
  };
  const applied = () => count('SELECT COUNT(*) AS n FROM applied');
  return {
    total,
    start,
    count,
    appliedAtLeast: (n: number, who: string) =>
      eventually(() => applied() >= n, `${n} events applied by ${who}`, 60_000),
    async restartAndFinish(context: string) {
      const second = await start();
      try {
        await eventually(
          () => applied() === total,
          `all ${total} events applied after the restart (${context})`,
          90_000,
        );
      } finally {
        second.kill('SIGTERM');
        await new Promise((r) => second.once('exit', r));
      }
    },
  };
}

async function startWorker(args: string[]): Promise<ChildProcess> {
  const script = join(repoRoot(), 'libs', 'event-log', 'src', 'testing', 'projection-worker.ts');
  const child = spawn(process.execPath, [...tsRunner(), script, ...args], {
    cwd: repoRoot(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
  });
  let errors = '';
  child.stderr!.on('data', (d: Buffer) => (errors += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('subscribed') && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${errors}`)));
  });
  return child;
}
