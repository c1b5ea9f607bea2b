import type { Admin, Kafka, Producer } from 'kafkajs';
import type { AccessKeyRecord } from '@twinlog/domain';
import type { AccessKeyStore } from '../event-log.port';
import {
  latestAccessKeys,
  storableAccessKey,
  type StoredAccessKey,
} from '../shared/access-key-records';
import { readRange, watermarks } from './kafka-range-reader';

type Marks = Awaited<ReturnType<typeof watermarks>>;

/**
 * Longest time `all` answers from its last read while the watermarks stay put: a topic deleted
 * and recreated with as many records as before (but other ones) shows within this time.
 */
export const ACCESS_KEYS_REREAD_MS = 60_000;

/**
 * API keys on a compacted topic keyed by key id (one partition): Kafka keeps each key's latest
 * record. `all` asks the broker for the topic's watermarks on every call and reads the topic
 * from its start to its end whenever they moved since this instance last read it: every put,
 * from any instance, moves the end, so a key created or revoked elsewhere shows at once, while
 * a call with nothing new costs one offsets request instead of a consumer group's join (which
 * waits out the broker's group.initial.rebalance.delay.ms, 3 s by default). A recreated topic
 * can come back with the same watermarks: the topic is read again at least every
 * `rereadAfterMs` (ACCESS_KEYS_REREAD_MS) anyway.
 */
export class KafkaAccessKeyStore implements AccessKeyStore {
  private last: { marks: string; at: number; records: AccessKeyRecord[] } | undefined;
  /** Reads in flight by the watermarks they read to: concurrent calls share one. */
  private readonly reading = new Map<string, Promise<AccessKeyRecord[]>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly warn: (message: string) => void,
    private readonly rereadAfterMs = ACCESS_KEYS_REREAD_MS,
  ) {}

  async put(record: AccessKeyRecord): Promise<void> {
    const valid = storableAccessKey(record);
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: [{ key: valid.keyId, value: JSON.stringify(valid) }],
    });
  }

  async all(): Promise<AccessKeyRecord[]> {
    const at = Date.now();
    const marks = await watermarks(this.admin, this.topic);
    const signature = marks.map((m) => `${m.partition}:${m.low}-${m.high}`).join(',');
    const last = this.last;
    if (last?.marks === signature && at - last.at < this.rereadAfterMs)
      return structuredClone(last.records);
    let read = this.reading.get(signature);
    if (!read) {
      read = this.read(marks).finally(() => this.reading.delete(signature));
      this.reading.set(signature, read);
    }
    const records = await read;
    if (!this.last || this.last.at <= at) this.last = { marks: signature, at, records };
    return structuredClone(records);
  }

  private async read(marks: Marks): Promise<AccessKeyRecord[]> {
    const versions: StoredAccessKey[] = [];
    const ranges = marks.map((m) => ({ partition: m.partition, start: m.low, end: m.high }));
    await readRange(this.kafka, this.admin, this.topic, ranges, async (partition, messages) => {
      for (const m of messages) {
        versions.push({
          key: m.key ? m.key.toString('utf8') : null,
          value: m.value ? m.value.toString('utf8') : null,
          where: `${this.topic} partition ${partition} offset ${m.offset}`,
        });
      }
    });
    return latestAccessKeys(versions, this.warn);
  }
}
