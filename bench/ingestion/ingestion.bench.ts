// Ingestion benchmark (issue 4): readings/s accepted over HTTP in batches of 1,000 and from an
// enterprise Kafka topic, next to a bare kafkajs producer sending the same messages (the events
// ingestion produces, byte for byte) with the same batching and concurrency, in the same run
// on the same broker. The ratio of the rates is the figure.
//
//   npm run bench:ingestion -- [--readings 300000] [--twins 1000] [--batch 1000] [--compact]
//                               [--twins-per-batch 100] [--concurrency 4]
//
// Uses KAFKA_BROKERS when set, otherwise starts the local broker the tests use. The service
// runs in this process with its telemetry writer off: what is measured is intake into the log.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Kafka, logLevel } from 'kafkajs';
import { stampEvents, telemetryEventsFor, type IncomingReading } from '@twinlog/domain';
import type { KafkaEventLog } from '@twinlog/event-log';
import { openInfrastructure } from '@twinlog/service-kit';
import { provisionInfra, tsRunner } from '@twinlog/testing';
import { readIngestionConfig } from '../../apps/ingestion/src/config/ingestion.config';
import { startIngestion } from '../../apps/ingestion/src/ingestion.app';
import { registerTwins } from '../../apps/ingestion/src/testing/ingestion-harness';
import { toMessage } from '../../libs/event-log/src/kafka/kafka-codec';
import { arg, progressLine, rate } from '../event-log/bench-util';

const READINGS = arg('readings', 300_000);
const TWINS = arg('twins', 1_000);
const BATCH = arg('batch', 1_000);
const CONCURRENCY = arg('concurrency', 4);
// A plant gateway's batch covers a group of machines, several readings each.
const TWINS_PER_BATCH = arg('twins-per-batch', 100);
const PROPERTIES = ['temperature', 'vibration', 'spindle_speed', 'power_consumption'];
// How the service writes telemetry, and so what the raw producer sends: json (the default) or compact.
const ENCODING = process.argv.includes('--compact') ? 'compact' : 'json';

async function main(): Promise<void> {
  const infra = await provisionInfra({ only: ['kafka'] });
  const brokers = infra.settings.kafka!.brokers;
  const prefix = `bench-ing-${randomUUID().slice(0, 8)}.`;
  const rawTopic = `${prefix}enterprise-raw`;
  const config = readIngestionConfig({
    TWINLOG_MODE: 'distributed',
    // Measured without authentication (loopback only): the bench measures the pipeline.
    TWINLOG_AUTH: 'off',
    KAFKA_BROKERS: brokers.join(','),
    TWINLOG_TOPIC_PREFIX: prefix,
    INFLUX_URL: 'http://127.0.0.1:1',
    INFLUX_TOKEN: 'unused',
    INFLUX_ORG: 'unused',
    INGESTION_HTTP_HOST: '127.0.0.1',
    INGESTION_HTTP_PORT: '0',
    INGESTION_WRITE_TELEMETRY: 'off',
    INGESTION_DEDUPE_WINDOW: String(READINGS * 3),
    INGESTION_KAFKA_INPUT_TOPICS: rawTopic,
    TWINLOG_TELEMETRY_ENCODING: ENCODING,
  });
  console.log(
    `Kafka ${brokers.join(',')}; ${READINGS.toLocaleString('en-US')} readings per run over ${TWINS} twins, batches of ${BATCH} covering ${TWINS_PER_BATCH} twins, ${CONCURRENCY} concurrent senders, ${ENCODING} telemetry`,
  );
  const twinIds = Array.from({ length: TWINS }, (_, i) => `cnc-${i}`);
  const services = await openInfrastructure(config.service, {
    service: 'bench-ingestion',
    store: true,
    dedupeOnAppend: false,
  });
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: rawTopic, numPartitions: 6 }] });
  await registerTwins(
    services.log,
    services,
    twinIds.map((twinId) => ({ twinId, twinType: 'cnc-milling-machine' })),
  );

  // Batches of readings, each reading unique; built before any clock starts.
  const start = Date.now() - 3_600_000;
  const batches = (run: string): IncomingReading[][] =>
    Array.from({ length: Math.ceil(READINGS / BATCH) }, (_, b) =>
      Array.from({ length: BATCH }, (_, i) => {
        const n = b * BATCH + i;
        return {
          twinId: twinIds[(b * TWINS_PER_BATCH + (i % TWINS_PER_BATCH)) % TWINS]!,
          property: PROPERTIES[n % PROPERTIES.length]!,
          value: 20 + (n % 50),
          time: new Date(start + Math.floor(n / 10)).toISOString(),
          readingId: `${run}-${n}`,
        };
      }),
    );

  // 1. The baseline: the messages ingestion would produce for these batches, sent raw.
  const kafkaLog = services.log as KafkaEventLog;
  const model = services.catalog.get('cnc-milling-machine');
  const baselineBatches = batches('raw').map((batch) => {
    const accepted = batch.map((r) => ({
      twinId: String(r.twinId),
      reading: {
        readingId: String(r.readingId),
        property: String(r.property),
        value: Number(r.value),
        unit: model.properties[String(r.property)]!.unit,
        occurredAt: String(r.time),
      },
    }));
    return telemetryEventsFor(accepted, config.intake.maxReadingsPerEvent).flatMap(
      ({ twinId, event }) =>
        stampEvents(twinId, [event], {
          commandId: randomUUID(),
          correlationId: randomUUID(),
          causationId: null,
          producer: 'ingestion/http',
          now: new Date().toISOString(),
        }).map((e) => toMessage(e, kafkaLog.partitionFor('telemetry', e.twinId), ENCODING)),
    );
  });
  const producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const rawRate = await timed('raw kafkajs producer', baselineBatches.length, async (i) => {
    await producer.send({ topic: `${prefix}telemetry`, acks: -1, messages: baselineBatches[i]! });
  });
  await producer.disconnect();

  // 2. HTTP: the same number of readings as POSTed JSON batches.
  const service = await startIngestion(config, services, ['warn', 'error']);
  const bodies = batches('http').map((b) => JSON.stringify(b));
  const httpRate = await httpLoad(`${service.url}/v1/readings`, bodies);

  // 3. The enterprise topic: raw records produced first, then timed until all are committed.
  const rawProducer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
  await rawProducer.connect();
  for (const batch of batches('topic')) {
    await rawProducer.send({
      topic: rawTopic,
      messages: batch.map((r) => ({ key: String(r.twinId), value: JSON.stringify(r) })),
    });
  }
  await rawProducer.disconnect();
  const high = (await admin.fetchTopicOffsets(rawTopic)).reduce((s, p) => s + Number(p.high), 0);
  await service.close();
  const topicConfig = {
    ...config,
    kafkaInput: { ...config.kafkaInput!, group: `bench-${randomUUID()}` },
  };
  const topicStarted = Date.now();
  const topicService = await startIngestion(topicConfig, services, ['warn', 'error']);
  const progress = progressLine('enterprise topic', topicStarted);
  for (;;) {
    const [committed] = await admin.fetchOffsets({
      groupId: topicConfig.kafkaInput.group,
      topics: [rawTopic],
    });
    const done = committed!.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
    progress({ events: done, total: high });
    if (done >= high) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const topicRate = high / ((Date.now() - topicStarted) / 1000);
  process.stderr.write('\n');
  console.log(
    `enterprise topic: ${rate(topicRate)} readings/s (service start and group join included)`,
  );

  console.log('');
  console.log(`raw kafkajs producer (same messages):   ${rate(rawRate)} readings/s`);
  console.log(
    `HTTP batches of ${BATCH}:                ${rate(httpRate)} readings/s  ratio ${(httpRate / rawRate).toFixed(2)}`,
  );
  console.log(
    `enterprise Kafka topic:                 ${rate(topicRate)} readings/s  ratio ${(topicRate / rawRate).toFixed(2)}`,
  );
  await topicService.close();
  await admin.disconnect();
  await services.close();
  await infra.stop();
}

/** POSTs the bodies from a worker thread (the load generator) and times it until all are answered. */
async function httpLoad(url: string, bodies: string[]): Promise<number> {
  const label = 'HTTP POST /v1/readings';
  const worker = new Worker(join(__dirname, 'http-load.worker.ts'), {
    execArgv: tsRunner(),
    workerData: { url, bodies, concurrency: CONCURRENCY, expected: BATCH },
  });
  const started = Date.now();
  const elu = performance.eventLoopUtilization();
  const progress = progressLine(label, started);
  let done = 0;
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (m: { done?: number; finished?: boolean; error?: string }) => {
      if (m.error) reject(new Error(m.error));
      if (m.finished) resolve();
      if (m.done) progress({ events: (done += m.done) * BATCH, total: bodies.length * BATCH });
    });
    worker.on('error', reject);
  });
  const perSecond = (bodies.length * BATCH) / ((Date.now() - started) / 1000);
  await worker.terminate();
  process.stderr.write('\n');
  const busy = performance.eventLoopUtilization(elu).utilization;
  console.log(
    `${label}: ${rate(perSecond)} readings/s (load from a worker thread; service event loop ${(busy * 100).toFixed(0)}% busy)`,
  );
  return perSecond;
}

/** Runs `count` jobs with CONCURRENCY workers; the rate is in readings (BATCH per job). */
async function timed(
  label: string,
  count: number,
  job: (i: number) => Promise<void>,
): Promise<number> {
  const started = Date.now();
  const progress = progressLine(label, started);
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        await job(i);
        done += 1;
        progress({ events: done * BATCH, total: count * BATCH });
      }
    }),
  );
  const perSecond = (count * BATCH) / ((Date.now() - started) / 1000);
  process.stderr.write('\n');
  console.log(`${label}: ${rate(perSecond)} readings/s`);
  return perSecond;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
