import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { realServer } from '@twinlog/testing';
import { eventually, registered } from '../testing/sample-events';
import { KafkaEventLog } from './kafka-event-log';
import { KafkaStreamIndex } from './kafka-stream-index';
import { topicNames } from './kafka-topics';

const { brokers } = realServer('kafka');
const twin = () => `twin-${randomUUID().slice(0, 8)}`;

// The "not ahead of the log" check compared the index's position with watermarks fetched
// earlier: an append acknowledged and indexed while the watermarks were on their way made the
// index look ahead of the log, so it voided itself as if its topic had been recreated (a
// flaky "concurrent appends" contract case, and a needless rebuild under load).
describe('the Kafka stream index under concurrent appends', () => {
  it('is not voided by events it indexed while the log end was being read', async () => {
    const prefix = `race-${randomUUID().slice(0, 8)}.`;
    const log = await KafkaEventLog.connect({
      brokers,
      topicPrefix: prefix,
      partitions: 1,
      dedupeOnAppend: false,
      clientLogLevel: 'nothing',
    });
    const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
    const realAdmin = kafka.admin();
    await realAdmin.connect();
    // One step made slow on purpose: after the log end was read, another append lands and is
    // indexed before the read returns (what the scheduler may do to any read).
    let betweenReadAndAnswer: (() => Promise<void>) | undefined;
    const admin: Admin = {
      ...realAdmin,
      fetchTopicOffsets: async (topic) => {
        const offsets = await realAdmin.fetchTopicOffsets(topic);
        const step = betweenReadAndAnswer;
        betweenReadAndAnswer = undefined;
        await step?.();
        return offsets;
      },
    };
    const warnings: string[] = [];
    const index = new KafkaStreamIndex(
      kafka,
      admin,
      topicNames(prefix),
      ':memory:',
      ['twin-events'],
      (message) => warnings.push(message),
    );
    try {
      await log.append([registered(twin())]);
      await index.start();
      await index.catchUp();
      const late = registered(twin());
      betweenReadAndAnswer = async () => {
        await log.append([late]);
        await eventually(() => index.has(late.id), 'the late append indexed');
      };
      await index.catchUp();
      expect(betweenReadAndAnswer).toBeUndefined(); // the slow step ran
      expect(index.voided).toBe(false);
      expect(warnings).toEqual([]);
    } finally {
      await index.stop();
      await realAdmin.disconnect();
      await log.close();
    }
  });
});
