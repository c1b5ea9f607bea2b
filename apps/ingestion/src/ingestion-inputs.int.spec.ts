import { randomUUID } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { Kafka, logLevel } from 'kafkajs';
import { eventually } from '@twinlog/event-log/testing';
import { realServer, startTcpProxy, type TcpProxy } from '@twinlog/testing';
import { minutesAgo, startHarness, type Harness } from './testing/ingestion-harness';

// Twin ids of this run: the InfluxDB bucket is shared with other tests and earlier runs.
const RUN = randomUUID().slice(0, 8);
const MILL = `mill-${RUN}`;
const PUMP = `pump-${RUN}`;

const RAW_MAPPING = JSON.stringify({
  twinId: 'asset.id',
  property: 'tag',
  value: 'v',
  time: 'ts',
  unit: 'uom',
  readingId: 'seq',
});

async function values(h: Harness, twinId: string): Promise<number[]> {
  const events = await h.infra.log.readStream(twinId, { streams: ['telemetry'] });
  return events.flatMap((e) =>
    e.type === 'TelemetryReported' ? e.data.readings.map((r) => r.value) : [],
  );
}

describe('ingestion from MQTT and an enterprise Kafka topic, and with InfluxDB down', () => {
  const { brokers } = realServer('kafka');
  const influx = realServer('influx');
  let h: Harness;
  let proxy: TcpProxy;
  let publisher: MqttClient;
  const rawTopic = `enterprise-raw-${Date.now()}`;

  beforeAll(async () => {
    // InfluxDB is reached through a proxy so this test can take it down without disturbing others.
    const target = new URL(influx.url);
    proxy = await startTcpProxy(target.hostname, Number(target.port));
    const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: rawTopic, numPartitions: 2 }] });
    await admin.disconnect();
    h = await startHarness(
      [
        { twinId: MILL, twinType: 'cnc-milling-machine', site: 'plant-a' },
        { twinId: PUMP, twinType: 'coolant-pump', site: 'plant-a' },
      ],
      {
        INFLUX_URL: `http://127.0.0.1:${proxy.port}`,
        INGESTION_KAFKA_INPUT_TOPICS: rawTopic,
        INGESTION_KAFKA_INPUT_GROUP: `raw-${Date.now()}`,
        INGESTION_KAFKA_INPUT_MAPPING: RAW_MAPPING,
      },
    );
    publisher = await connectAsync(realServer('mqtt').url, { protocolVersion: 5 });
  });
  afterAll(async () => {
    await publisher?.endAsync();
    await h?.close();
    await proxy?.close();
  });

  const topic = (twinId: string) => `plant-${h.id}/plant-a/${twinId}/telemetry`;

  it('takes MQTT readings (QoS 1) and dead-letters bad payloads and readings with their reasons', async () => {
    const publish = (twinId: string, payload: string) =>
      publisher.publishAsync(topic(twinId), payload, { qos: 1 });
    await publish(
      MILL,
      JSON.stringify([
        { property: 'temperature', value: 61, time: minutesAgo(3), readingId: 'm-1' },
        { property: 'vibration', value: 2.2, time: minutesAgo(3), readingId: 'm-2' },
      ]),
    );
    await publish(MILL, '{not json');
    await publish(
      MILL,
      JSON.stringify({ twinId: PUMP, property: 'flow_rate', value: 1, time: minutesAgo(1) }),
    );
    await publish(
      MILL,
      JSON.stringify({ property: 'temperature', value: 'hot', time: minutesAgo(1) }),
    );
    await publish(
      MILL,
      JSON.stringify({ property: 'temperature', value: 62, time: minutesAgo(2) }),
    );

    await eventually(
      async () => (await values(h, MILL)).includes(62),
      'the last MQTT reading in the log',
    );
    expect(await values(h, MILL)).toEqual([61, 2.2, 62]);
    const letters = (await h.infra.log.readDeadLetters()).filter(
      (l) => l.source.stream === 'ingestion/mqtt',
    );
    expect(letters.map((l) => l.code).sort()).toEqual([
      'JSON_MALFORMED',
      'READING_MALFORMED',
      'VALUE_INVALID',
    ]);
    expect(letters.find((l) => l.code === 'READING_MALFORMED')!.reason).toMatch(
      new RegExp(`topic of ${MILL}`),
    );
    expect(letters[0]!.source).toMatchObject({ origin: `MQTT ${topic(MILL)}` });
  });

  it('maps an enterprise topic’s records to readings, dead-letters the bad ones, and commits past them', async () => {
    const producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const record = (seq: number, v: unknown, extra: Record<string, unknown> = {}) => ({
      key: PUMP,
      value: JSON.stringify({
        asset: { id: PUMP },
        tag: 'flow_rate',
        v,
        uom: 'L/min',
        ts: Date.now() - 60_000 + seq,
        seq,
        ...extra,
      }),
    });
    await producer.send({
      topic: rawTopic,
      messages: [
        record(1, 30),
        { key: PUMP, value: 'garbage{' },
        record(2, 'NaN'),
        record(3, 32),
        record(3, 32),
      ],
    });
    await producer.disconnect();

    await eventually(
      async () => (await values(h, PUMP)).length >= 2,
      'the 2 good enterprise readings in the log',
    );
    expect(await values(h, PUMP)).toEqual([30, 32]);
    const letters = (await h.infra.log.readDeadLetters()).filter(
      (l) => l.source.stream === 'ingestion/kafka',
    );
    expect(letters.map((l) => l.code).sort()).toEqual(['JSON_MALFORMED', 'VALUE_INVALID']);

    const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const behind = async () => {
      const [committed] = await admin.fetchOffsets({
        groupId: h.config.kafkaInput!.group,
        topics: [rawTopic],
      });
      const highs = await admin.fetchTopicOffsets(rawTopic);
      return highs.filter((p) => {
        const at = committed!.partitions.find((c) => c.partition === p.partition)?.offset ?? '-1';
        return p.high !== '0' && at !== p.high;
      }).length;
    };
    await eventually(
      async () => (await behind()) === 0,
      'the group committed past every record, bad ones included',
    );
    await admin.disconnect();
  });

  it('loses nothing while InfluxDB is down: readings are accepted into the log and written once it is back', async () => {
    await proxy.down();
    const times = [10, 9, 8].map((m) => minutesAgo(m));
    const posted = await h.post(
      JSON.stringify(
        times.map((time, i) => ({
          twinId: MILL,
          property: 'spindle_speed',
          value: 1000 + i,
          time,
        })),
      ),
    );
    expect(posted.status).toBe(200);
    await new Promise((r) => setTimeout(r, 3_000));
    await proxy.up();
    const query = () =>
      h.infra.store.query({
        twinId: MILL,
        properties: ['spindle_speed'],
        from: minutesAgo(20),
        to: minutesAgo(-1),
      });
    await eventually(
      async () => (await query()).length === 3,
      'the 3 readings in InfluxDB after it came back',
      60_000,
    );
    expect((await query()).map((p) => p.value)).toEqual([1000, 1001, 1002]);
  });
});
