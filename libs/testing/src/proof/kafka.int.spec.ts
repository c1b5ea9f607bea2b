import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { realServer } from '../infra/test-settings';

// Proof that the broker is a real Kafka usable from our stack: an idempotent producer with
// acks=all on a multi-partition topic, and a consumer group that reads every message back in
// per-key order.
describe('real Kafka broker', () => {
  const { brokers } = realServer('kafka');
  const kafka = new Kafka({ clientId: 'twinlog-proof', brokers, logLevel: logLevel.WARN });
  const topic = `proof-${randomUUID()}`;
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 4, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    consumer = kafka.consumer({ groupId: `proof-group-${randomUUID()}` });
  });

  afterAll(async () => {
    await Promise.allSettled([producer?.disconnect(), consumer?.disconnect()]);
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('has the partitions it was asked for', async () => {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(4);
  });

  it('delivers every message of an idempotent acks=all producer to a consumer group, in order per key', async () => {
    const keys = Array.from({ length: 8 }, (_, i) => `twin-${i}`);
    const perKey = 50;
    const messages = keys.flatMap((key) =>
      Array.from({ length: perKey }, (_, seq) => ({ key, value: JSON.stringify({ key, seq }) })),
    );
    const metadata = await producer.send({ topic, acks: -1, messages });
    const partitionsUsed = new Set(metadata.map((m) => m.partition));
    expect(partitionsUsed.size).toBeGreaterThan(1);

    const received = new Map<string, number[]>();
    let count = 0;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const allIn = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const { key, seq } = JSON.parse(String(message.value)) as { key: string; seq: number };
          received.set(key, [...(received.get(key) ?? []), seq]);
          if (++count === messages.length) resolve();
        },
      });
    });
    await allIn;

    expect(count).toBe(keys.length * perKey);
    for (const key of keys)
      expect(received.get(key)).toEqual(Array.from({ length: perKey }, (_, i) => i));
  });
});
