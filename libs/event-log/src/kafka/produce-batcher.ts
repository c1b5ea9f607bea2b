import type { Message, ProducerBatch, RecordMetadata } from 'kafkajs';

/** Sends one request's messages: a producer's sendBatch, or one transaction (see PartitionFences). */
export interface BatchSender {
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]>;
}

/** Broker's default message.max.bytes is 1 MB per partition batch: stay well under it. */
const MAX_GROUP_BYTES = 768 * 1024;

interface Pending {
  topic: string;
  messages: Message[];
  bytes: number;
  resolve(offsets: number[]): void;
  reject(error: unknown): void;
}

/**
 * Group commit for appends. The idempotent producer allows one request in flight per broker,
 * so concurrent appends would each wait for a full round trip. Instead, appends that arrive
 * while a request is in flight are queued and go out together in the next request (one
 * produce request for all their topics and partitions). Each caller still learns its own
 * messages' offsets, and a failed request fails every append in it: nothing is acknowledged
 * that the broker did not acknowledge.
 */
export class ProduceBatcher {
  private queue: Pending[] = [];
  private sending = false;

  constructor(private readonly producer: BatchSender) {}

  /**
   * Sends the messages with acks=all; resolves to each message's offset, in order (-1 where no
   * partition was given). An append larger than one request may carry (10,000 readings on one
   * partition) goes out as consecutive requests, in order: the broker refuses a partition's
   * record batch above its `message.max.bytes`, and that refusal would repeat on every retry.
   * If one of them fails the append fails, and what went before it is in the log: a retry
   * appends it again (the readings' own ids let consumers see the repeat).
   */
  async produce(topic: string, messages: Message[]): Promise<number[]> {
    const parts = splitByBytes(messages, MAX_GROUP_BYTES);
    const offsets = await Promise.all(
      parts.map(
        ({ messages: part, bytes }) =>
          new Promise<number[]>((resolve, reject) => {
            this.queue.push({ topic, messages: part, bytes, resolve, reject });
            if (!this.sending) void this.drain();
          }),
      ),
    );
    return offsets.flat();
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0) await this.sendGroup(this.takeGroup());
    } finally {
      this.sending = false;
    }
  }

  private takeGroup(): Pending[] {
    const group = [this.queue.shift()!];
    let bytes = group[0]!.bytes;
    while (this.queue.length > 0 && bytes + this.queue[0]!.bytes <= MAX_GROUP_BYTES) {
      const next = this.queue.shift()!;
      bytes += next.bytes;
      group.push(next);
    }
    return group;
  }

  private async sendGroup(group: Pending[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const p of group) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), ...p.messages]);
    try {
      const metadata = await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      // Within a request, each partition's messages get consecutive offsets in request order.
      const next = new Map(
        metadata.map((m) => [`${m.topicName}/${m.partition}`, Number(m.baseOffset)]),
      );
      for (const p of group) {
        p.resolve(
          p.messages.map((m) => {
            // Offsets are known for messages sent to a chosen partition (events); others get -1.
            if (m.partition === undefined) return -1;
            const key = `${p.topic}/${m.partition}`;
            const offset = next.get(key)!;
            next.set(key, offset + 1);
            return offset;
          }),
        );
      }
    } catch (error) {
      group.forEach((p) => p.reject(error));
    }
  }
}

/** Consecutive slices of at most `max` bytes each (a single larger message stays whole). */
export function splitByBytes(
  messages: Message[],
  max: number,
): Array<{ messages: Message[]; bytes: number }> {
  const parts: Array<{ messages: Message[]; bytes: number }> = [];
  let current: { messages: Message[]; bytes: number } = { messages: [], bytes: 0 };
  for (const message of messages) {
    const bytes = size(message.value) + size(message.key);
    if (current.messages.length > 0 && current.bytes + bytes > max) {
      parts.push(current);
      current = { messages: [], bytes: 0 };
    }
    current.messages.push(message);
    current.bytes += bytes;
  }
  if (current.messages.length > 0 || parts.length === 0) parts.push(current);
  return parts;
}

function size(value: Message['value'] | Message['key']): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
