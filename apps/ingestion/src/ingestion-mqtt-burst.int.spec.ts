import { randomUUID } from 'node:crypto';
import {
  arrivals,
  Qos1Publisher,
  readingIdCounts,
  realServer,
  untilProgressed,
  type MqttMessage,
} from '@twinlog/testing';
import { startHarness, type Harness } from './testing/ingestion-harness';

const RUN = randomUUID().slice(0, 8);
const TWINS = Array.from({ length: 50 }, (_, i) => `burst-${RUN}-${i}`);
const MESSAGES = 20_000;
const PROPERTIES = [
  ['temperature', 40],
  ['vibration', 2],
  ['spindle_speed', 9000],
  ['power_consumption', 8],
  ['tool_wear', 0.3],
] as const;
const START_MS = Date.now() - 3_600_000;

interface BurstMessage extends MqttMessage {
  readingIds: string[];
}

/** Message n: one reading of each property of one twin (twins in turn), ids unique to the run. */
function burstMessage(topicOf: (twinId: string) => string, n: number): BurstMessage {
  const readings = PROPERTIES.map(([property, base], k) => ({
    property,
    value: base + (n % 7) * 0.01,
    time: new Date(START_MS + n * 10).toISOString(),
    readingId: `${RUN}-${n}-${k}`,
  }));
  return {
    topic: topicOf(TWINS[n % TWINS.length]!),
    payload: JSON.stringify(readings),
    readingIds: readings.map((r) => r.readingId),
  };
}

/**
 * Issue 16: a burst far beyond what one message at a time can take, through the broker the test
 * tooling ships. Whatever the broker acknowledged to the publishers must reach the log, once.
 */
describe('an MQTT burst of 20,000 QoS 1 messages (issue 16)', () => {
  jest.setTimeout(300_000);
  let h: Harness;
  let publisher: Qos1Publisher<BurstMessage>;

  beforeAll(async () => {
    h = await startHarness(
      TWINS.map((twinId) => ({ twinId, twinType: 'cnc-milling-machine', site: 'plant-a' })),
    );
    publisher = await Qos1Publisher.connect<BurstMessage>(realServer('mqtt').url, {
      connections: 4,
    });
  });
  afterAll(async () => {
    await publisher?.close();
    await h?.close();
  });

  it('puts every reading of every message the broker acknowledged in the log exactly once', async () => {
    const topic = (twinId: string) => `plant-${h.id}/plant-a/${twinId}/telemetry`;
    const messages = Array.from({ length: MESSAGES }, (_, n) => burstMessage(topic, n));
    const started = Date.now();
    await publisher.publishAll(messages);
    const publishedMs = Date.now() - started;
    const expected = new Set(publisher.acknowledged.flatMap((m) => m.readingIds));

    const inLog = await untilProgressed(
      async () => arrivals(expected, await readingIdCounts(h.infra.log)),
      (a) => a.arrived,
      expected.size,
      'every reading of the acknowledged messages in the log',
      { timeoutMs: 240_000, stallMs: 45_000, pauseMs: 2_000 },
    );
    process.stderr.write(
      `[mqtt burst] ${MESSAGES} messages published in ${publishedMs} ms, ${publisher.acknowledged.length} acknowledged by the broker, ${publisher.refused} refused; all ${inLog.arrived} readings in the log ${Date.now() - started} ms after the first publish\n`,
    );
    expect(publisher.acknowledged.length).toBe(MESSAGES);
    expect(inLog).toEqual({
      expected: expected.size,
      arrived: expected.size,
      twice: 0,
      unexpected: 0,
    });
  });
});
