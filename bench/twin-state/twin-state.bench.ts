// Twin-state benchmark (issue 5): start-up of the service over a large log without and with
// snapshots (next to a bare kafkajs consumer reading the same topics in the same run), time-
// travel query latency for one twin at a random past time (p50/p99), and state query throughput.
//
//   npm run bench:twin-state -- [--twins 10000] [--readings 5000000] [--per-event 10]
//
// Uses KAFKA_BROKERS when set, otherwise starts the local broker the tests use.
import { randomUUID } from 'node:crypto';
import { KafkaEventLog, topicNames } from '@twinlog/event-log';
import { openInfrastructure } from '@twinlog/service-kit';
import { provisionInfra } from '@twinlog/testing';
import { readTwinStateConfig } from '../../apps/twin-state/src/config/twin-state.config';
import { startTwinState } from '../../apps/twin-state/src/twin-state.app';
import { benchEnv } from '../anomaly/service-process';
import { arg, rate } from '../event-log/bench-util';
import { fillPlant } from '../event-log/fill-plant';
import { rawConsume } from '../event-log/raw-consume';

const TWINS = arg('twins', 10_000);
const READINGS = arg('readings', 5_000_000);
const PER_EVENT = arg('per-event', 10);
const QUERIES = arg('queries', 500);

async function main(): Promise<void> {
  const infra = await provisionInfra({ only: ['kafka'] });
  const brokers = infra.settings.kafka!.brokers;
  const prefix = `bench-ts-${randomUUID().slice(0, 8)}.`;
  const names = topicNames(prefix);
  console.log(
    `Kafka ${brokers.join(',')}; ${TWINS} twins, ${READINGS.toLocaleString('en-US')} readings, ${PER_EVENT} per event`,
  );
  try {
    const filler = await KafkaEventLog.connect({
      brokers,
      topicPrefix: prefix,
      partitions: 6,
      clientLogLevel: 'error',
    });
    await fillPlant(brokers, names, filler, {
      twins: TWINS,
      readings: READINGS,
      perEvent: PER_EVENT,
    });
    await filler.close();
    const raw = await rawConsume(
      brokers,
      [names.stream['twin-events'], names.stream.telemetry],
      'raw kafkajs consumer',
    );

    const config = readTwinStateConfig({
      ...benchEnv(brokers, prefix),
      TWIN_STATE_HTTP_HOST: '127.0.0.1',
      TWIN_STATE_HTTP_PORT: '0',
      // No periodic snapshot during the first start: it must replay the whole log.
      TWIN_STATE_SNAPSHOT_EVERY_EVENTS: String(READINGS * 10),
      TWIN_STATE_SNAPSHOT_INTERVAL_MS: '3600000',
    });
    let services = await openInfrastructure(config.service, {
      service: 'bench-twin-state',
      // Handed to the telemetry routes; this bench never reads telemetry, so nothing connects.
      store: true,
    });

    let started = Date.now();
    let service = await startTwinState(config, services, quietLogger);
    const coldSeconds = (Date.now() - started) / 1000;
    console.log(
      `start without snapshots: ready in ${coldSeconds.toFixed(1)} s (${rate(raw.messages / coldSeconds)} events/s)`,
    );
    started = Date.now();
    await service.close(); // writes a snapshot of every twin
    console.log(
      `snapshots of ${TWINS} twins written on shutdown in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    // A new process's view: a fresh connection, nothing cached from the first run.
    await services.close();
    services = await openInfrastructure(config.service, {
      service: 'bench-twin-state',
      // Handed to the telemetry routes; this bench never reads telemetry, so nothing connects.
      store: true,
    });
    started = Date.now();
    service = await startTwinState(config, services, quietLogger);
    const warmSeconds = (Date.now() - started) / 1000;
    console.log(`start with snapshots: ready in ${warmSeconds.toFixed(2)} s`);

    const twinIds = Array.from({ length: TWINS }, (_, i) => `cnc-${String(i).padStart(5, '0')}`);
    const pick = () => twinIds[Math.floor(Math.random() * twinIds.length)]!;
    const base = Date.now() - 24 * 3_600_000;
    const span = Math.ceil(READINGS / PER_EVENT / TWINS) * 1000;
    // The per-twin read index catches up in the background from the service's start; time
    // travel answers 503 INDEX_CATCHING_UP until then.
    started = Date.now();
    for (;;) {
      const response = await fetch(
        `${service.url}/v1/twins/${pick()}/history?at=${new Date(base + span / 2).toISOString()}`,
      );
      await response.arrayBuffer();
      if (response.status === 200) break;
      if (response.status !== 503) throw new Error(`time travel: HTTP ${response.status}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(
      `time travel available ${((Date.now() - started) / 1000).toFixed(1)} s after the restart was ready (the stream index catches up in the background)`,
    );
    const latencies: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const at = new Date(base + Math.random() * span).toISOString();
      const t = performance.now();
      await get(`${service.url}/v1/twins/${pick()}/history?at=${at}&by=event`);
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
    console.log(
      `time travel, one twin at a random past time (${QUERIES} queries): p50 ${pct(0.5).toFixed(1)} ms, p99 ${pct(0.99).toFixed(1)} ms`,
    );

    let done = 0;
    const until = Date.now() + 5_000;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (Date.now() < until) {
          await get(`${service.url}/v1/twins/${pick()}`);
          done += 1;
        }
      }),
    );
    console.log(`state queries: ${rate(done / 5)} per second (8 concurrent clients, 5 s)`);
    console.log('');
    console.log(
      `RESULT start ${coldSeconds.toFixed(1)} s without snapshots (${(raw.messages / coldSeconds / raw.rate).toFixed(2)} of the raw consume rate), ${warmSeconds.toFixed(2)} s with; time travel p50 ${pct(0.5).toFixed(1)} ms p99 ${pct(0.99).toFixed(1)} ms; ${rate(done / 5)} state queries/s`,
    );
    await service.close();
    await services.close();
  } finally {
    await infra.stop();
  }
}

/** Prints the service's own account of its rebuild, warnings and errors; not Nest's start-up chatter. */
const quietLogger = {
  log: (message: unknown, context?: string) => {
    if (context === 'LiveTwins') {
      console.log(`  twin-state: ${String(message)}`);
    }
  },
  warn: (message: unknown) => console.warn(`  twin-state warning: ${String(message)}`),
  error: (message: unknown) => console.error(`  twin-state error: ${String(message)}`),
};

async function get(url: string): Promise<void> {
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
