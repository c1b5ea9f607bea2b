// Rebuild benchmark (issue 3): the state of many twins rebuilt from millions of telemetry
// readings on a real Kafka broker, next to a bare kafkajs consumer reading the same topics in
// the same run. The ratio of the two rates is the figure; then the restart time with snapshots.
//
//   npm run bench:rebuild -- [--twins 10000] [--readings 5000000] [--per-event 10] [--rounds 3] [--compact]
//
// Uses KAFKA_BROKERS when set, otherwise starts the local broker the tests use.
import { randomUUID } from 'node:crypto';
import { restoreTwinState, TwinProjection } from '@twinlog/domain';
import {
  KafkaEventLog,
  topicNames,
  type LogPosition,
  type TelemetryEncoding,
} from '@twinlog/event-log';
import { provisionInfra } from '@twinlog/testing';
import { fillPlant } from './fill-plant';
import { rawConsume } from './raw-consume';
import { arg, progressLine, rate } from './bench-util';

const TWINS = arg('twins', 10_000);
const READINGS = arg('readings', 5_000_000);
const PER_EVENT = arg('per-event', 10);
const PARTITIONS = arg('partitions', 6);
const ROUNDS = arg('rounds', 3);
// How the telemetry is written: json (the services' default) or compact (ADR 0009).
const ENCODING: TelemetryEncoding = process.argv.includes('--compact') ? 'compact' : 'json';

async function main(): Promise<void> {
  const infra = await provisionInfra({ only: ['kafka'] });
  const brokers = infra.settings.kafka!.brokers;
  const prefix = `bench-${randomUUID().slice(0, 8)}.`;
  const names = topicNames(prefix);
  console.log(
    `Kafka ${brokers.join(',')}; topics ${prefix}*; ${TWINS} twins, ${READINGS} readings, ${PER_EVENT} per event, ${ENCODING} telemetry`,
  );
  try {
    const log = await KafkaEventLog.connect({
      brokers,
      topicPrefix: prefix,
      partitions: PARTITIONS,
      clientLogLevel: 'error',
    });
    await fillPlant(brokers, names, log, {
      twins: TWINS,
      readings: READINGS,
      perEvent: PER_EVENT,
      encoding: ENCODING,
    });
    await log.close();

    const topics = [names.stream['twin-events'], names.stream.telemetry];
    // Raw and rebuild take turns, ROUNDS times: on a shared machine one pair can land in a
    // noisy moment, so the median of the rounds' ratios is the figure.
    const rebuildLog = await KafkaEventLog.connect({
      brokers,
      topicPrefix: prefix,
      partitions: PARTITIONS,
      clientLogLevel: 'error',
    });
    const ratios: number[] = [];
    let projection = new TwinProjection();
    let result = { events: 0, next: [] as LogPosition[] };
    for (let round = 1; round <= ROUNDS; round++) {
      // Each side starts from a collected heap: the last round's state is not the next one's load.
      projection = new TwinProjection();
      collectGarbage();
      const raw = await rawConsume(brokers, topics, `round ${round}: raw kafkajs consumer`);
      collectGarbage();
      const started = Date.now();
      result = await rebuildLog.replay(
        {
          streams: ['twin-events', 'telemetry'],
          onProgress: progressLine(`round ${round}: rebuild`, started),
        },
        async (batch) => projection.apply(batch.map((r) => r.event)),
      );
      const rebuildSeconds = (Date.now() - started) / 1000;
      process.stderr.write('\n');
      const rebuildRate = result.events / rebuildSeconds;
      ratios.push(rebuildRate / raw.rate);
      console.log(
        `round ${round}: rebuild: ${result.events} events (${projection.size} twins) in ${rebuildSeconds.toFixed(1)} s = ${rate(rebuildRate)} events/s, ${rate((rebuildRate * READINGS) / result.events)} readings/s; rebuild/raw ${(rebuildRate / raw.rate).toFixed(2)}`,
      );
    }

    const snapStart = Date.now();
    await rebuildLog.snapshots.save(
      projection.all().map((state) => ({
        twinId: state.twinId,
        state,
        next: result.next,
        takenAt: new Date().toISOString(),
      })),
    );
    console.log(
      `snapshots: ${projection.size} written in ${((Date.now() - snapStart) / 1000).toFixed(1)} s`,
    );
    await rebuildLog.close();

    const restart = await restartWithSnapshots(brokers, prefix);
    console.log(
      `restart with snapshots: ${restart.twins} twins loaded + ${restart.tail} tail events replayed in ${restart.seconds.toFixed(2)} s`,
    );
    console.log('');
    const sorted = [...ratios].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(
      `RESULT rebuild/raw = ${median.toFixed(2)} (median of ${ROUNDS} rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')}); restart with snapshots ${restart.seconds.toFixed(2)} s`,
    );
  } finally {
    await infra.stop();
  }
}

/** A full collection when the benchmark runs with --expose-gc (npm run bench:rebuild does). */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function restartWithSnapshots(
  brokers: string[],
  prefix: string,
): Promise<{ twins: number; tail: number; seconds: number }> {
  const started = Date.now();
  const log = await KafkaEventLog.connect({
    brokers,
    topicPrefix: prefix,
    partitions: PARTITIONS,
    clientLogLevel: 'error',
  });
  const states = [];
  let next: LogPosition[] = [];
  for await (const snapshot of log.snapshots.loadAll()) {
    states.push(restoreTwinState(snapshot.state));
    next = snapshot.next;
  }
  const projection = new TwinProjection(states);
  const tail = await log.replay(
    { streams: ['twin-events', 'telemetry'], from: { kind: 'positions', positions: next } },
    async (batch) => projection.apply(batch.map((r) => r.event)),
  );
  await log.close();
  return { twins: projection.size, tail: tail.events, seconds: (Date.now() - started) / 1000 };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
