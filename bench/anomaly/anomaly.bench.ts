// Anomaly benchmark (issue 6), two figures on one broker in one run:
// 1. Throughput: readings/s one anomaly worker judges from a filled telemetry topic, next to a
//    bare kafkajs consumer reading the same topic (the ratio is the figure).
// 2. Latency: at a steady load posted to the ingestion service over HTTP, the time from a
//    reading's arrival at ingestion to the AnomalyDetected it causes (p50, p99).
//
//   npm run bench:anomaly -- [--twins 500] [--fill-seconds 250] [--rate 10000] [--latency-seconds 60]
//
// Uses KAFKA_BROKERS when set, otherwise starts the local broker the tests use.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { NewEvent } from '@twinlog/domain';
import { openInfrastructure, type Env } from '@twinlog/service-kit';
import { provisionInfra, registerTwins } from '@twinlog/testing';
import { startAnomaly } from '../../apps/anomaly/src/anomaly.app';
import { readAnomalyConfig } from '../../apps/anomaly/src/config/anomaly.config';
import { telemetryScript } from '../../apps/anomaly/src/testing/telemetry-script';
import { rawConsume } from '../event-log/raw-consume';
import { arg, progressLine, rate } from '../event-log/bench-util';
import { benchEnv, startService } from './service-process';

const TWINS = arg('twins', 500);
const FILL_SECONDS = arg('fill-seconds', 250);
const RATE = arg('rate', 10_000);
const LATENCY_SECONDS = arg('latency-seconds', 60);
const PROPERTIES = ['temperature', 'vibration', 'spindle_speed', 'power_consumption'];
const UNITS = ['°C', 'mm/s', 'rpm', 'kW'];

async function main(): Promise<void> {
  const servers = await provisionInfra({ only: ['kafka'] });
  const brokers = servers.settings.kafka!.brokers;
  const env = (prefix: string): Env => benchEnv(brokers, prefix);
  const twins = Array.from({ length: TWINS }, (_, i) => `cnc-${i}`);
  console.log(`Kafka ${brokers.join(',')}; ${TWINS} CNC twins, 4 readings per twin and second`);
  await throughput(env(`bench-an-${randomUUID().slice(0, 8)}.`), brokers, twins);
  await latency(env(`bench-al-${randomUUID().slice(0, 8)}.`), twins);
  await servers.stop();
}

/** One worker judging a filled topic from the beginning, next to a bare consumer of it. */
async function throughput(env: Env, brokers: string[], twins: string[]): Promise<void> {
  const config = readAnomalyConfig(env);
  const infra = await openInfrastructure(config.service, {
    service: 'bench-anomaly',
    store: false,
    indexedStreams: ['twin-events'],
  });
  await registerTwins(
    infra.log,
    infra.catalog,
    twins.map((twinId) => ({ twinId, twinType: 'cnc-milling-machine' })),
  );
  const script = telemetryScript({
    twins,
    seconds: FILL_SECONDS,
    start: Date.now() - 2 * 3_600_000,
    overheat: { [twins[0]!]: { from: 60, to: 80 } },
  });
  const readings = script.length * PROPERTIES.length;
  const filling = progressLine('filling the telemetry topic (events)', Date.now());
  for (let i = 0; i < script.length; i += 2_000) {
    await infra.log.append(script.slice(i, i + 2_000));
    filling({ events: Math.min(i + 2_000, script.length), total: script.length });
  }
  process.stderr.write('\n');
  const raw = await rawConsume(
    brokers,
    [`${env['TWINLOG_TOPIC_PREFIX']}telemetry`],
    'raw kafkajs consumer',
  );

  const started = Date.now();
  const service = await startAnomaly(config, infra, false);
  const progress = progressLine('anomaly worker (readings)', started);
  while (service.worker.stats.readingsJudged < readings) {
    progress({ events: service.worker.stats.readingsJudged, total: readings });
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (Date.now() - started) / 1000;
  process.stderr.write('\n');
  const workerRate = readings / seconds;
  const rawReadingRate = raw.rate * PROPERTIES.length;
  console.log(
    `throughput: one worker judged ${readings.toLocaleString('en-US')} readings (${script.length.toLocaleString('en-US')} events) in ${seconds.toFixed(1)} s = ${rate(workerRate)} readings/s (incl. start-up); raw consumer ${rate(raw.rate)} events/s = ${rate(rawReadingRate)} readings/s; ratio ${(workerRate / rawReadingRate).toFixed(2)}`,
  );
  await service.close();
  await infra.close();
}

/**
 * Readings posted to ingestion at a steady rate; every second a few twins get one reading over
 * the alarm limit (after normal ones, so each opens a new limits episode). The latency is from
 * just before the POST to the moment the AnomalyDetected is read back from twin-events.
 */
async function latency(env: Env, twins: string[]): Promise<void> {
  // Registered first, through the log, as twin-state would have.
  const setup = await openInfrastructure(readAnomalyConfig(env).service, {
    service: 'bench-setup',
    store: false,
    dedupeOnAppend: false,
  });
  await registerTwins(
    setup.log,
    setup.catalog,
    twins.map((twinId) => ({ twinId, twinType: 'cnc-milling-machine' })),
  );
  await setup.close();
  // Ingestion and the anomaly worker each in a process of its own, as deployed (sharing one
  // event loop, each would wait on the other's work).
  const ingestion = await startService('ingestion', env);
  const anomaly = await startService('anomaly', env);

  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const judged: number[] = [];
  const posts: number[] = [];
  const watcher = await watchDetections(env, (readingId, seenAt, judgedAt) => {
    const sent = sentAt.get(readingId);
    if (sent === undefined) return;
    latencies.push(seenAt - sent);
    judged.push(judgedAt - sent);
  });

  const tickMs = 100;
  const perTick = Math.round((RATE * tickMs) / 1000);
  const twinsPerTick = Math.max(1, Math.floor(perTick / PROPERTIES.length));
  const start = Date.now();
  let sent = 0;
  let hot = 0;
  let cursor = 0;
  const progress = progressLine(`posting ${rate(RATE)} readings/s`, start);
  for (let tick = 0; tick < (LATENCY_SECONDS * 1000) / tickMs; tick += 1) {
    const due = start + tick * tickMs;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    const time = new Date(Date.now()).toISOString();
    const body: object[] = [];
    for (let t = 0; t < twinsPerTick; t += 1) {
      const index = cursor % twins.length;
      const round = Math.floor(cursor / twins.length);
      const twinId = twins[index]!;
      cursor += 1;
      // One round in ten is hot for each twin (a tenth of the twins in each round), so the nine
      // normal rounds between close its limits episode and the hot reading opens a new one.
      const overheat = round >= 5 && round % 10 === index % 10;
      PROPERTIES.forEach((property, p) => {
        const readingId = `${twinId}-${tick}-${property}`;
        const value =
          property === 'temperature'
            ? overheat
              ? 90
              : 50 + Math.random()
            : [0, 1.5 + 0.1 * Math.random(), 8000 + 50 * Math.random(), 9 + Math.random()][p]!;
        if (overheat && property === 'temperature') {
          sentAt.set(readingId, Date.now());
          hot += 1;
        }
        body.push({ twinId, property, value, unit: UNITS[p], time, readingId });
      });
    }
    const posted = Date.now();
    const response = await fetch(`${ingestion.url}/v1/readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 200)
      throw new Error(`ingestion answered ${response.status}: ${await response.text()}`);
    posts.push(Date.now() - posted);
    sent += body.length;
    progress({ events: sent });
  }
  const elapsed = (Date.now() - start) / 1000;
  await new Promise((r) => setTimeout(r, 3_000));
  process.stderr.write('\n');
  latencies.sort((a, b) => a - b);
  judged.sort((a, b) => a - b);
  posts.sort((a, b) => a - b);
  const at = (values: number[], q: number) =>
    values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? NaN;
  const pct = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  console.log(
    `latency: ${rate(sent / elapsed)} readings/s posted for ${elapsed.toFixed(0)} s; ${latencies.length}/${hot} hot readings reported; reading arrival -> AnomalyDetected p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${latencies[latencies.length - 1]} ms (judged by the worker after p50 ${at(judged, 0.5)} ms, p99 ${at(judged, 0.99)} ms; the rest is its append and the read back; ingestion answered the POSTs after p50 ${at(posts, 0.5)} ms, p99 ${at(posts, 0.99)} ms)`,
  );
  await watcher.stop();
  await anomaly.close();
  await ingestion.close();
}

/** A bare consumer of twin-events that reports each limits episode's opening reading. */
async function watchDetections(
  env: Env,
  onDetected: (readingId: string, seenAt: number, judgedAt: number) => void,
): Promise<{ stop(): Promise<void> }> {
  const kafka = new Kafka({
    brokers: env['KAFKA_BROKERS']!.split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `bench-watch-${randomUUID()}`, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({
    topics: [`${env['TWINLOG_TOPIC_PREFIX']}twin-events`],
    fromBeginning: true,
  });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const seenAt = Date.now();
      const event = JSON.parse(message.value!.toString()) as NewEvent;
      if (event.type !== 'AnomalyDetected' || event.data.detector !== 'limits') return;
      // The episode id ends with the id of the reading that opened it.
      onDetected(
        event.data.episodeId.split(':').slice(3).join(':'),
        seenAt,
        Date.parse(event.recordedAt),
      );
    },
  });
  return { stop: () => consumer.disconnect() };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
