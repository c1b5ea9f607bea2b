import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { realServer } from '@twinlog/testing';
import { accessKey } from '../testing/sample-access-keys';
import { eventually } from '../testing/sample-events';
import { KafkaAccessKeyStore } from './kafka-access-key-store';
import { KafkaEventLog } from './kafka-event-log';
import { topicNames } from './kafka-topics';

const { brokers } = realServer('kafka');
const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  admin = kafka.admin();
  producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
});
afterAll(async () => {
  await Promise.allSettled([admin.disconnect(), producer.disconnect()]);
});

const open = (topicPrefix: string, warnings: string[]) =>
  KafkaEventLog.connect({
    brokers,
    topicPrefix,
    partitions: 3,
    clientLogLevel: 'nothing',
    warn: (message) => warnings.push(message),
  });

describe('API keys on Kafka', () => {
  it('live on a compacted topic of one partition, created with the log', async () => {
    const prefix = `ak-${randomUUID().slice(0, 8)}.`;
    const log = await open(prefix, []);
    try {
      const topic = topicNames(prefix).accessKeys;
      expect(topic).toBe(`${prefix}access-keys`);
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(topics[0]?.partitions).toHaveLength(1);
      const { resources } = await admin.describeConfigs({
        resources: [{ type: 2, name: topic, configNames: ['cleanup.policy'] }],
        includeSynonyms: false,
      });
      expect(resources[0]?.configEntries.map((e) => [e.configName, e.configValue])).toEqual([
        ['cleanup.policy', 'compact'],
      ]);
    } finally {
      await log.close();
    }
  });

  it('skip records they cannot trust with a warning, and refuse a key whose latest record is broken', async () => {
    const prefix = `ak-${randomUUID().slice(0, 8)}.`;
    const warnings: string[] = [];
    const log = await open(prefix, warnings);
    try {
      const [a, b, c, d] = [1, 2, 3, 4].map((s) =>
        accessKey({ createdAt: new Date(Date.UTC(2026, 11, 1, 0, 0, s)).toISOString() }),
      );
      for (const key of [a!, b!, c!]) await log.accessKeys.put(key);
      const bad = JSON.stringify({ ...c!, role: 'root' });
      await producer.send({
        topic: topicNames(prefix).accessKeys,
        messages: [
          { key: a!.keyId, value: 'not json' },
          { key: b!.keyId, value: null },
          { key: c!.keyId, value: bad },
          { key: d!.keyId, value: JSON.stringify(a) },
        ],
      });
      const e = accessKey({ createdAt: new Date(Date.UTC(2026, 11, 1, 0, 0, 5)).toISOString() });
      await log.accessKeys.put(e);
      expect(await log.accessKeys.all()).toEqual([e]);
      // (A compacted topic refuses messages without a key: the broker keeps those out.)
      expect(warnings).toHaveLength(3);
      expect(warnings.join('\n')).toMatch(/not JSON/);
      expect(warnings.join('\n')).toMatch(/role/);
      expect(warnings.join('\n')).toMatch(/keyId differs/);
      for (const key of [a!, c!, d!]) expect(warnings.join('\n')).not.toContain(key.secretHash);
    } finally {
      await log.close();
    }
  });

  it('answer concurrent reads alike, and each read sees every put acknowledged before it', async () => {
    const prefix = `ak-${randomUUID().slice(0, 8)}.`;
    const log = await open(prefix, []);
    try {
      const keys = [accessKey()];
      await log.accessKeys.put(keys[0]!);
      const reads = await Promise.all(Array.from({ length: 20 }, () => log.accessKeys.all()));
      for (const read of reads) expect(read).toEqual(keys);
      // Interleaved puts and reads: every read includes every key put before it.
      for (let i = 0; i < 5; i++) {
        const key = accessKey({ createdAt: new Date(Date.now() + i + 1).toISOString() });
        await log.accessKeys.put(key);
        keys.push(key);
        const [first, second] = await Promise.all([log.accessKeys.all(), log.accessKeys.all()]);
        expect(first).toEqual(keys);
        expect(second).toEqual(keys);
      }
      // A caller changing what it was given changes nothing for the next one.
      const given = await log.accessKeys.all();
      given[0]!.role = 'admin';
      expect((await log.accessKeys.all())[0]!.role).toBe('viewer');
    } finally {
      await log.close();
    }
  });

  it('read a recreated topic again in time, even when it is back at the same watermarks', async () => {
    const topic = `ak-${randomUUID().slice(0, 8)}.access-keys`;
    const create = async () => {
      await admin.createTopics({
        topics: [
          {
            topic,
            numPartitions: 1,
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
        waitForLeaders: true,
      });
    };
    await create();
    const store = new KafkaAccessKeyStore(kafka, admin, producer, topic, () => undefined, 1_000);
    const old = accessKey();
    await store.put(old);
    expect(await store.all()).toEqual([old]);
    await admin.deleteTopics({ topics: [topic], timeout: 30_000 });
    await eventually(async () => !(await admin.listTopics()).includes(topic), 'topic gone', 30_000);
    await create();
    const replacement = accessKey();
    await eventually(
      async () => {
        try {
          await store.put(replacement);
          return true;
        } catch {
          return false;
        }
      },
      'the recreated topic writable',
      30_000,
    );
    // The case at stake: the same watermarks as before, other records.
    const marks = await admin.fetchTopicOffsets(topic);
    expect(marks.map((m) => [m.low, m.high])).toEqual([['0', '1']]);
    await eventually(
      async () => JSON.stringify(await store.all()) === JSON.stringify([replacement]),
      'the recreated topic read',
      30_000,
    );
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  });
});
