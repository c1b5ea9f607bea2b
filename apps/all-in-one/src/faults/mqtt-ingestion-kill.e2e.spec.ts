import { randomUUID } from 'node:crypto';
import { KafkaEventLog } from '@twinlog/event-log';
import { loadModelCatalog, SEED_MODELS_DIR } from '@twinlog/model-files';
import {
  arrivals,
  Qos1Publisher,
  realServer,
  registerTwins,
  until,
  untilProgressed,
  type MqttMessage,
} from '@twinlog/testing';
import { startService, topologyEnv, type ServiceProcess } from '../testing/fault-rig';
import { untilTwinsKnown } from '../testing/steady-load';
import { readingIdsInLog } from '../testing/where-readings-are';

const RUN = randomUUID().slice(0, 8);
const TWINS = Array.from({ length: 20 }, (_, i) => `mqtt-kill-${RUN}-${i}`);
/**
 * The steady load is 80% of the capacity measured first in the same run (a burst of one-reading
 * messages, publisher and instance on this machine as they are now): a fixed rate would be
 * far below capacity on a fast machine and above it on a busy CI one. BENCHMARKS.md ("MQTT
 * ingestion") has the capacity measured alone.
 */
const CALIBRATION = 20_000;
const SHARE_OF_CAPACITY = 0.8;
/** At most this long, and at most this many messages: inside the de-duplication window (200,000 ids). */
const MAX_SECONDS = 24;
const MAX_COUNT = 150_000;
/** How long the instance stays dead before it is started again (its start then takes more). */
const DOWN_MS = 3_000;
const START_MS = Date.now() - 3_600_000;

interface SteadyMessage extends MqttMessage {
  readingId: string;
}

function steadyMessage(topicRoot: string, n: number): SteadyMessage {
  const twinId = TWINS[n % TWINS.length]!;
  const readingId = `${RUN}-${n}`;
  return {
    topic: `${topicRoot}/plant-a/${twinId}/telemetry`,
    payload: JSON.stringify({
      property: 'temperature',
      value: 40 + (n % 13) * 0.5,
      time: new Date(START_MS + n).toISOString(),
      readingId,
    }),
    readingId,
  };
}

/**
 * Issue 16: a steady MQTT load while the ingestion instance is SIGKILLed and started again with
 * the same client id. Its persistent session makes the broker keep what arrives meanwhile and
 * redeliver what was never PUBACKed; the de-duplication window, refilled from the log at start,
 * turns redeliveries of readings already appended into duplicates. Only the service dies here.
 */
describe('ingestion SIGKILLed under a steady MQTT load and restarted (distributed mode)', () => {
  jest.setTimeout(300_000);
  const kafka = realServer('kafka');
  const prefix = `mqtt-kill-${RUN}.`;
  const topicRoot = `plant-kill-${RUN}`;
  let ingestion: ServiceProcess | undefined;
  let publisher: Qos1Publisher<SteadyMessage> | undefined;

  beforeAll(async () => {
    const log = await KafkaEventLog.connect({
      brokers: kafka.brokers,
      topicPrefix: prefix,
      partitions: 3,
      clientLogLevel: 'nothing',
    });
    try {
      await registerTwins(
        log,
        loadModelCatalog(SEED_MODELS_DIR),
        TWINS.map((twinId) => ({ twinId, twinType: 'cnc-milling-machine', site: 'plant-a' })),
      );
    } finally {
      await log.close();
    }
    ingestion = await startService('ingestion', {
      ...topologyEnv({ kafka, influx: realServer('influx') }, prefix),
      MQTT_URL: realServer('mqtt').url,
      INGESTION_MQTT_TOPIC: `${topicRoot}/{site}/{twinId}/telemetry`,
      INGESTION_MQTT_CLIENT_ID: `ingestion-${RUN}`,
    });
    await untilTwinsKnown(ingestion.url, TWINS);
    publisher = await Qos1Publisher.connect<SteadyMessage>(realServer('mqtt').url, {
      connections: 2,
    });
  });
  afterAll(async () => {
    await publisher?.close();
    await ingestion?.stop();
  });

  /** Messages/s from the first publish of a burst until the instance acknowledged all of it. */
  async function measureCapacity(): Promise<number> {
    const counters = async () =>
      (
        (await (await fetch(`${ingestion!.url}/v1/ingestion/mqtt`)).json()) as {
          input: { acknowledged: number };
        }
      ).input.acknowledged;
    const before = await counters();
    const started = Date.now();
    await publisher!.publishAll(
      Array.from({ length: CALIBRATION }, (_, n) => steadyMessage(topicRoot, n)),
    );
    await untilProgressed(
      async () => (await counters()) - before,
      (n) => n,
      CALIBRATION,
      'the calibration burst acknowledged by ingestion',
      { timeoutMs: 120_000, stallMs: 30_000, pauseMs: 50 },
    );
    return Math.round(CALIBRATION / ((Date.now() - started) / 1_000));
  }

  it('logs every acknowledged reading exactly once', async () => {
    const capacity = await measureCapacity();
    const RATE = Math.max(500, Math.round(capacity * SHARE_OF_CAPACITY));
    const COUNT = Math.min(MAX_COUNT, RATE * MAX_SECONDS);
    const started = Date.now();
    const publishing = publisher!.publishAtRate(
      (n) => steadyMessage(topicRoot, CALIBRATION + n),
      RATE,
      COUNT,
    );
    await until(
      () => publisher!.acknowledged.length,
      (n) => n >= CALIBRATION + COUNT / 3,
      'a third of the load acknowledged by the broker',
      120_000,
    );
    await ingestion!.kill();
    const killedAt = Date.now() - started;
    const atKill = (await readingIdsInLog(kafka.brokers, prefix)).size;
    await new Promise((r) => setTimeout(r, DOWN_MS));
    await ingestion!.restart();
    const downMs = Date.now() - started - killedAt;
    await publishing;
    const publishedMs = Date.now() - started;

    process.stderr.write(
      `[faults] MQTT ingestion capacity here ${capacity} messages/s (one reading each); steady load ${RATE}/s\n`,
    );
    process.stderr.write(
      `[faults] MQTT ingestion killed at ${killedAt} ms with ${atKill} readings in the log, ready again ${downMs} ms later; ${COUNT} messages at ${RATE}/s published in ${publishedMs} ms, ${publisher!.acknowledged.length} acknowledged, ${publisher!.refused} refused\n`,
    );

    const expected = new Set(publisher!.acknowledged.map((m) => m.readingId));
    const inLog = await untilProgressed(
      async () => arrivals(expected, await readingIdsInLog(kafka.brokers, prefix)),
      (a) => a.arrived,
      expected.size,
      'every acknowledged reading in the log',
      { timeoutMs: 180_000, stallMs: 45_000, pauseMs: 2_000 },
    );
    // The restarted instance's counters: redelivered messages whose readings were logged before
    // the kill count as duplicates there.
    const { input } = (await (await fetch(`${ingestion!.url}/v1/ingestion/mqtt`)).json()) as {
      input: { received: number; readings: { accepted: number; duplicates: number } };
    };
    process.stderr.write(
      `[faults] MQTT ingestion after the restart: ${input.received} messages received, ${input.readings.accepted} readings accepted, ${input.readings.duplicates} duplicates; in the log: ${inLog.arrived} of ${expected.size}, twice ${inLog.twice}, unexpected ${inLog.unexpected}, all ${Date.now() - started} ms after the first publish\n`,
    );
    expect(atKill).toBeGreaterThan(0);
    expect(publisher!.acknowledged.length).toBe(CALIBRATION + COUNT);
    expect(inLog).toEqual({
      expected: expected.size,
      arrived: expected.size,
      twice: 0,
      unexpected: 0,
    });
  });
});
