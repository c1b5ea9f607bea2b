import { randomUUID } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { Kafka, logLevel } from 'kafkajs';
import { eventually } from '@twinlog/event-log/testing';
import { realServer } from '@twinlog/testing';
import { minutesAgo, startHarness, type Harness } from './testing/ingestion-harness';

// A process twin's figures are derived (ADR 0021): no input may write them, on any path.
const RUN = randomUUID().slice(0, 8);
const PROC = `machining-${RUN}`;
const derivedId = (ms: number) => `${PROC}/oee/${ms}/derived`;

describe('ingestion refuses readings of derived properties (HTTP, MQTT, enterprise Kafka)', () => {
  jest.setTimeout(120_000);
  const { brokers } = realServer('kafka');
  const rawTopic = `enterprise-derived-${Date.now()}`;
  let h: Harness;
  let publisher: MqttClient;

  beforeAll(async () => {
    const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: rawTopic, numPartitions: 1 }] });
    await admin.disconnect();
    h = await startHarness([{ twinId: PROC, twinType: 'machining-process', site: 'plant-a' }], {
      INGESTION_KAFKA_INPUT_TOPICS: rawTopic,
      INGESTION_KAFKA_INPUT_GROUP: `derived-${Date.now()}`,
      INGESTION_KAFKA_INPUT_MAPPING: JSON.stringify({
        twinId: 'asset',
        property: 'tag',
        value: 'v',
        time: 'ts',
        readingId: 'seq',
      }),
    });
    publisher = await connectAsync(realServer('mqtt').url, { protocolVersion: 5 });
  });
  afterAll(async () => {
    await publisher?.endAsync();
    await h?.close();
  });

  const letters = async (stream: string) =>
    (await h.infra.log.readDeadLetters()).filter((l) => l.source.stream === stream);

  it('answers HTTP 422 PROPERTY_DERIVED naming the property, even with the figures’ own id form', async () => {
    const time = minutesAgo(2);
    const { status, json } = await h.post(
      JSON.stringify([
        {
          twinId: PROC,
          property: 'oee',
          value: 0.01,
          time,
          readingId: derivedId(Date.parse(time)),
        },
      ]),
    );
    expect(status).toBe(422);
    const error = json.results?.[0]?.error ?? json;
    expect(error.code).toBe('PROPERTY_DERIVED');
    expect(error.message).toMatch(/oee/);
    const events = await h.infra.log.readStream(PROC, { streams: ['telemetry'] });
    expect(events).toEqual([]);
  });

  it('dead-letters MQTT and enterprise-topic readings of them with the code and the property', async () => {
    await publisher.publishAsync(
      `plant-${h.id}/plant-a/${PROC}/telemetry`,
      JSON.stringify({ property: 'availability', value: 1, time: minutesAgo(1) }),
      { qos: 1 },
    );
    const producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({
      topic: rawTopic,
      messages: [
        {
          key: PROC,
          value: JSON.stringify({
            asset: PROC,
            tag: 'throughput',
            v: 9,
            ts: Date.now() - 60_000,
            seq: 1,
          }),
        },
      ],
    });
    await producer.disconnect();
    await eventually(
      async () =>
        (await letters('ingestion/mqtt')).length > 0 &&
        (await letters('ingestion/kafka')).length > 0,
      'a dead letter from each input',
      60_000,
    );
    const [mqtt] = await letters('ingestion/mqtt');
    const [kafka] = await letters('ingestion/kafka');
    expect(mqtt).toMatchObject({ code: 'PROPERTY_DERIVED' });
    expect(mqtt!.reason).toMatch(/availability/);
    expect(kafka).toMatchObject({ code: 'PROPERTY_DERIVED' });
    expect(kafka!.reason).toMatch(/throughput/);
    expect(await h.infra.log.readStream(PROC, { streams: ['telemetry'] })).toEqual([]);
  });
});
