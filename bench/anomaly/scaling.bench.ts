// Anomaly workers scaled out (issue 24): one worker against two in one consumer group, on the
// same input, each worker its own process (its main.ts, as deployed). The same telemetry script
// (deterministic, with overheating twins spread over the partitions) fills two topic sets; one
// worker judges the first, two workers the second, each joined before and let go at once. It prints each rate, its
// ratio to a bare kafkajs consumer of the same topic, two workers over one, and whether the
// findings are identical: every event the workers appended (ids, data, causation), bar the
// time it was recorded. A difference exits 1.
//
//   npm run bench:anomaly-scaling -- [--twins 500] [--fill-seconds 250] [--partitions 6]
//
// Uses the local broker the tests use (or KAFKA_BROKERS).
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { NewEvent } from '@twinlog/domain';
import { openInfrastructure } from '@twinlog/service-kit';
import { provisionInfra, registerTwins } from '@twinlog/testing';
import { readAnomalyConfig } from '../../apps/anomaly/src/config/anomaly.config';
import { telemetryScript } from '../../apps/anomaly/src/testing/telemetry-script';
import { fromMessage } from '../../libs/event-log/src/kafka/kafka-codec';
import { rawConsume } from '../event-log/raw-consume';
import { arg, progressLine, rate } from '../event-log/bench-util';
import { findingsDiffer, findingOf, type Finding } from './findings';
import { benchEnv, startService, type ServiceProcess } from './service-process';

const TWINS = arg('twins', 500);
const FILL_SECONDS = arg('fill-seconds', 250);
const PARTITIONS = arg('partitions', 6);
const READINGS_PER_EVENT = 4;
// Every this many twins overheats for a while, each at its own time: findings on every partition.
const HOT_EVERY = 10;

interface Run {
  workers: number;
  readings: number;
  /** From the moment the joined workers were let go to the last reading judged. */
  seconds: number;
  rawReadingsPerSecond: number;
  findings: Finding[];
}

async function main(): Promise<number> {
  const servers = await provisionInfra({ only: ['kafka'] });
  const brokers = servers.settings.kafka!.brokers;
  const twins = Array.from({ length: TWINS }, (_, i) => `cnc-${i}`);
  const overheat = Object.fromEntries(
    twins
      .filter((_, i) => i % HOT_EVERY === 0)
      .map((twinId, k) => {
        const from = 30 + ((k * 17) % Math.max(1, FILL_SECONDS - 60));
        return [twinId, { from, to: from + 20 }];
      }),
  );
  // One script for both runs: the same events, ids and times.
  const script = telemetryScript({
    twins,
    seconds: FILL_SECONDS,
    start: Date.now() - 2 * 3_600_000,
    overheat,
  });
  console.log(
    `Kafka ${brokers.join(',')}; ${TWINS} CNC twins x ${FILL_SECONDS} s (${(script.length * READINGS_PER_EVENT).toLocaleString('en-US')} readings), ${Object.keys(overheat).length} of them overheating once; ${PARTITIONS} partitions`,
  );
  try {
    const one = await judge(1, brokers, twins, script);
    const two = await judge(2, brokers, twins, script);
    for (const run of [one, two])
      console.log(
        `${run.workers} worker${run.workers > 1 ? 's' : ''}: ${rate(run.readings / run.seconds)} readings/s (${run.seconds.toFixed(1)} s); raw consumer ${rate(run.rawReadingsPerSecond)} readings/s; ratio ${(run.readings / run.seconds / run.rawReadingsPerSecond).toFixed(2)}`,
      );
    console.log(`two workers over one: ${(one.seconds / two.seconds).toFixed(2)}`);
    const differences = findingsDiffer(one.findings, two.findings);
    const opened = one.findings.filter((f) => f.type === 'AnomalyDetected').length;
    if (differences.length === 0) {
      console.log(
        `findings identical: ${one.findings.length} events (${opened} episodes opened), the same ids, data and causes from one worker and from two`,
      );
      return opened > 0 ? 0 : 1;
    }
    console.log(`FAIL: the findings differ (${differences.length} events):`);
    for (const line of differences.slice(0, 20)) console.log(`  ${line}`);
    return 1;
  } finally {
    await servers.stop();
  }
}

async function judge(
  workers: number,
  brokers: string[],
  twins: string[],
  script: NewEvent[],
): Promise<Run> {
  const prefix = `bench-as${workers}-${randomUUID().slice(0, 8)}.`;
  const env = { ...benchEnv(brokers, prefix), TWINLOG_PARTITIONS: String(PARTITIONS) };
  const infra = await openInfrastructure(readAnomalyConfig(env).service, {
    service: 'bench-setup',
    store: false,
    dedupeOnAppend: false,
  });
  await registerTwins(
    infra.log,
    infra.catalog,
    twins.map((twinId) => ({ twinId, twinType: 'cnc-milling-machine' })),
  );
  // The workers join first and are held still (SIGSTOP) while their input is written, so that
  // all of them start judging the same backlog at once; a pause of seconds is well inside the
  // group's session timeout, so no rebalance follows.
  const services = await Promise.all(
    Array.from({ length: workers }, () => startService('anomaly', env)),
  );
  await untilAssigned(services);
  for (const s of services) s.signal('SIGSTOP');
  const filling = progressLine(`filling ${prefix}telemetry (events)`, Date.now());
  for (let i = 0; i < script.length; i += 2_000) {
    await infra.log.append(script.slice(i, i + 2_000));
    filling({ events: Math.min(i + 2_000, script.length), total: script.length });
  }
  await infra.close();
  process.stderr.write('\n');
  const raw = await rawConsume(brokers, [`${prefix}telemetry`], 'raw kafkajs consumer');
  process.stderr.write('\n');

  const readings = script.length * READINGS_PER_EVENT;
  const started = Date.now();
  for (const s of services) s.signal('SIGCONT');
  const progress = progressLine(`${workers} anomaly worker(s) (readings)`, started);
  let judged = 0;
  while (judged < readings) {
    await new Promise((r) => setTimeout(r, 100));
    judged = (await Promise.all(services.map(workerCounts))).reduce(
      (sum, w) => sum + w.readingsJudged,
      0,
    );
    progress({ events: judged, total: readings });
  }
  const ended = Date.now();
  process.stderr.write('\n');
  // The last findings' appends finish just after their readings count as judged.
  const findings = await settledFindings(brokers, `${prefix}twin-events`);
  await Promise.all(services.map((s) => s.close()));
  return {
    workers,
    readings,
    seconds: (ended - started) / 1000,
    rawReadingsPerSecond: raw.rate * READINGS_PER_EVENT,
    findings,
  };
}

const workerCounts = async (s: ServiceProcess) =>
  (await (await fetch(`${s.url}/v1/worker`)).json()) as {
    partitions: number[];
    readingsJudged: number;
  };

/** Until every worker holds partitions and together they hold them all (the group is settled). */
async function untilAssigned(services: ServiceProcess[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const held = (await Promise.all(services.map(workerCounts))).map((w) => w.partitions.length);
    if (held.every((n) => n > 0) && held.reduce((a, b) => a + b, 0) === PARTITIONS) return;
    if (Date.now() > deadline)
      throw new Error(
        `the workers' group did not settle in 120 s: partitions held ${held.join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The workers' events in the topic, read again until two reads a second apart agree. */
async function settledFindings(brokers: string[], topic: string): Promise<Finding[]> {
  let last = -1;
  for (;;) {
    const findings = await readFindings(brokers, topic);
    if (findings.length === last) return findings;
    last = findings.length;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

async function readFindings(brokers: string[], topic: string): Promise<Finding[]> {
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]),
  );
  await admin.disconnect();
  const open = new Set([...ends].filter(([, end]) => end > 0).map(([p]) => p));
  const findings: Finding[] = [];
  if (open.size === 0) return findings;
  const consumer = kafka.consumer({ groupId: `bench-findings-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const { event } = fromMessage('twin-events', batch.partition, message);
          if (event.type !== 'TwinRegistered') findings.push(findingOf(event));
        }
        if (Number(batch.lastOffset()) + 1 >= ends.get(batch.partition)!) {
          open.delete(batch.partition);
          if (open.size === 0) resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return findings;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
