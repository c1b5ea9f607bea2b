import type { Message, Producer } from 'kafkajs';

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

  constructor(private readonly producer: Producer) {}

  /** Sends the messages with acks=all; resolves to each message's offset, in order (-1 where no partition was given). */
  produce(topic: string, messages: Message[]): Promise<number[]> {
    const bytes = messages.reduce((sum, m) => sum + size(m.value) + size(m.key), 0);
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, messages, bytes, resolve, reject });
      if (!this.sending) void this.drain();
    });
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

function size(value: Message['value'] | Message['key']): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
