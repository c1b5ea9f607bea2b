import { randomUUID } from 'node:crypto';
import { connectAsync } from 'mqtt';
import { eventually } from '@twinlog/event-log/testing';
import { newWorkDir, realServer, startLocalKafka, type ProvisionedServer } from '@twinlog/testing';
import { minutesAgo, startHarness, type Harness } from './testing/ingestion-harness';

const RUN = randomUUID().slice(0, 8);
const MILL = `mill-${RUN}`;

describe('ingestion while Kafka is down (its own broker, stopped and started)', () => {
  let broker: ProvisionedServer<{ brokers: string[] }>;
  let h: Harness;

  beforeAll(async () => {
    broker = await startLocalKafka({
      workDir: newWorkDir(),
      detached: false,
      progress: () => undefined,
    });
    h = await startHarness([{ twinId: MILL, twinType: 'cnc-milling-machine', site: 'plant-a' }], {
      KAFKA_BROKERS: broker.settings.brokers.join(','),
      KAFKA_CLIENT_LOG_LEVEL: 'nothing',
    });
  });
  afterAll(async () => {
    await h?.close();
    await broker?.stop();
  });

  const post = (value: number, readingId: string) =>
    h.post(
      JSON.stringify([
        { twinId: MILL, property: 'temperature', value, time: minutesAgo(5), readingId },
      ]),
    );

  it('answers 503 with Retry-After, holds MQTT messages unacknowledged, and takes both once Kafka is back', async () => {
    expect((await post(40, 'before')).status).toBe(200);
    const publisher = await connectAsync(realServer('mqtt').url, { protocolVersion: 5 });
    try {
      await broker.restart!(async () => {
        const refused = await post(41, 'during');
        expect(refused.status).toBe(503);
        expect(refused.headers.get('retry-after')).toBe('5');
        expect(refused.json.error.code).toBe('LOG_UNAVAILABLE');
        // QoS 1: the service keeps this message unacknowledged (so the broker keeps it) until it is logged.
        await publisher.publishAsync(
          `plant-${h.id}/plant-a/${MILL}/telemetry`,
          JSON.stringify({
            property: 'temperature',
            value: 42,
            time: minutesAgo(4),
            readingId: 'mqtt-during',
          }),
          { qos: 1 },
        );
      });
    } finally {
      await publisher.endAsync();
    }
    await eventually(
      async () => (await post(43, 'after')).status === 200,
      'HTTP accepting again',
      90_000,
    );
    const values = async () =>
      (await h.infra.log.readStream(MILL, { streams: ['telemetry'] })).flatMap((e) =>
        e.type === 'TelemetryReported' ? e.data.readings.map((r) => r.value) : [],
      );
    await eventually(
      async () => (await values()).includes(42),
      'the MQTT reading sent during the outage',
      60_000,
    );
    expect((await values()).sort()).toEqual([40, 42, 43]);
  }, 240_000);
});
