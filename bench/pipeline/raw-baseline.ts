import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Message } from 'kafkajs';
import type { CapturedMessage } from './stages';

export interface RawPipeOptions {
  brokers: string[];
  topic: string;
  partitions: number;
  /** The pipeline's own telemetry messages, sent again as they are, round and round. */
  messages: CapturedMessage[];
  /** Stop once this many readings' messages are planned (the pipeline's count). */
  readings: number;
  /** Messages per send (one intake batch's events) and sends in flight (the senders). */
  messagesPerSend: number;
  /** Bytes per send at most: the broker refuses a record batch over its limit (1 MB by default). */
  bytesPerSend?: number;
  concurrency: number;
  progress: (line: string) => void;
}

/**
 * The baseline: a bare kafkajs producer (idempotent, one request in flight, acks from all, as
 * ingestion's) sends the pipeline's own telemetry messages, byte for byte and to the same
 * partitions, to a topic of as many partitions, while one bare consumer group reads them. The
 * rate runs from the first send to the last message read.
 */
export async function rawPipe(o: RawPipeOptions): Promise<{ readings: number; seconds: number }> {
  if (o.messages.length === 0)
    throw new Error('no telemetry messages to send: the pipeline moved nothing');
  const kafka = new Kafka({ brokers: o.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: o.topic, numPartitions: o.partitions }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  // The sends, planned before any clock starts.
  const sends: Message[][] = [];
  let planned = 0;
  let messages = 0;
  let bytes = Infinity;
  const maxBytes = o.bytesPerSend ?? 900_000;
  for (let i = 0; planned < o.readings; i++) {
    const m = o.messages[i % o.messages.length]!;
    if ((sends.at(-1)?.length ?? 0) >= o.messagesPerSend || bytes + m.value.length > maxBytes) {
      sends.push([]);
      bytes = 0;
    }
    bytes += m.value.length;
    sends.at(-1)!.push({ key: m.key, value: m.value, partition: m.partition % o.partitions });
    planned += m.readings;
    messages += 1;
  }
  const consumer = kafka.consumer({
    groupId: `raw-${randomUUID()}`,
    maxBytesPerPartition: 8 * 1024 * 1024,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: o.topic, fromBeginning: true });
  const joined = new Promise<void>((r) => consumer.on(consumer.events.GROUP_JOIN, () => r()));
  let read = 0;
  let lastRead = 0;
  const allRead = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) read += m.value ? 1 : 0;
        lastRead = Date.now();
        if (read >= messages) resolve();
      },
    });
  });
  await joined;
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const started = Date.now();
  const timer = setInterval(
    () =>
      o.progress(
        `raw pipe: ${Math.round((100 * read) / messages)}% of ${messages.toLocaleString('en-US')} messages read`,
      ),
    5_000,
  );
  let next = 0;
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (next < sends.length) {
        const batch = sends[next++]!;
        await producer.send({ topic: o.topic, acks: -1, messages: batch });
      }
    }),
  );
  await allRead;
  clearInterval(timer);
  await producer.disconnect();
  await consumer.disconnect();
  return { readings: planned, seconds: (lastRead - started) / 1000 };
}
