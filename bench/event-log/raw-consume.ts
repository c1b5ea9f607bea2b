import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { progressLine, rate } from './bench-util';

/**
 * The baseline: a bare kafkajs consumer reading the topics from the beginning to their current
 * end, touching each message's value and nothing else.
 */
export async function rawConsume(
  brokers: string[],
  topics: string[],
  label: string,
): Promise<{ messages: number; rate: number }> {
  const kafka = new Kafka({ brokers, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, number>();
  let total = 0;
  for (const topic of topics) {
    for (const o of await admin.fetchTopicOffsets(topic)) {
      ends.set(`${topic}/${o.partition}`, Number(o.high));
      total += Number(o.high) - Number(o.low);
    }
  }
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `raw-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  let messages = 0;
  let bytes = 0;
  const started = Date.now();
  const progress = progressLine(label, started);
  await new Promise<void>((resolve) => {
    const open = new Set([...ends].filter(([, end]) => end > 0).map(([key]) => key));
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) bytes += m.value?.length ?? 0;
        messages += batch.messages.length;
        progress({ events: messages, total });
        const key = `${batch.topic}/${batch.partition}`;
        if (Number(batch.lastOffset()) + 1 >= ends.get(key)!) open.delete(key);
        if (open.size === 0) resolve();
      },
    });
  });
  const seconds = (Date.now() - started) / 1000;
  await consumer.disconnect();
  process.stderr.write('\n');
  console.log(
    `${label}: ${messages} messages (${(bytes / 1e6).toFixed(0)} MB) in ${seconds.toFixed(1)} s = ${rate(messages / seconds)} msgs/s`,
  );
  return { messages, rate: messages / seconds };
}
