import { randomUUID } from 'node:crypto';
import { realServer } from '@twinlog/testing';
import { describeEventLogContract } from '../testing/event-log.contract';
import { eventually, registered, telemetry } from '../testing/sample-events';
import { KafkaEventLog } from './kafka-event-log';

const { brokers } = realServer('kafka');
const openFresh = () =>
  KafkaEventLog.connect({ brokers, topicPrefix: `t-${randomUUID().slice(0, 8)}.`, partitions: 3 });

describeEventLogContract('Kafka', openFresh);

describe('Kafka event log indexing twin-events only', () => {
  it('still refuses duplicate ids, and says plainly that it cannot read telemetry streams', async () => {
    const log = await KafkaEventLog.connect({
      brokers,
      topicPrefix: `t-${randomUUID().slice(0, 8)}.`,
      partitions: 3,
      indexedStreams: ['twin-events'],
    });
    try {
      const twinId = `twin-${randomUUID().slice(0, 8)}`;
      const event = registered(twinId);
      expect((await log.append([event])).appended).toHaveLength(1);
      expect(await log.append([event])).toEqual({ appended: [], duplicates: [event.id] });
      expect((await log.readStream(twinId, { streams: ['twin-events'] })).map((e) => e.id)).toEqual(
        [event.id],
      );
      await expect(log.readStream(twinId)).rejects.toThrow(/does not index the telemetry stream/);
    } finally {
      await log.close();
    }
  });
});

describe('Kafka event logs of two installations on one cluster', () => {
  it('keep their consumer groups apart: the same group name in each gets all of its own events', async () => {
    const open = () =>
      KafkaEventLog.connect({
        brokers,
        topicPrefix: `t-${randomUUID().slice(0, 8)}.`,
        partitions: 3,
        clientLogLevel: 'nothing',
      });
    const logs = [await open(), await open()];
    const subscriptions: Array<{ stop(): Promise<void> }> = [];
    try {
      const twins = Array.from({ length: 6 }, (_, i) => `twin-${i}`);
      const received = logs.map(() => new Set<string>());
      for (const [i, log] of logs.entries()) {
        await log.append(twins.map((twinId, k) => telemetry(twinId, k, new Date().toISOString())));
        subscriptions.push(
          await log.subscribe({
            group: 'same-name',
            streams: ['telemetry'],
            handler: async (batch) => batch.forEach((r) => received[i]!.add(r.event.twinId)),
          }),
        );
      }
      await eventually(
        () => received.every((r) => r.size === twins.length),
        'each installation to receive all of its own events',
        60_000,
      );
    } finally {
      for (const s of subscriptions) await s.stop();
      for (const log of logs) await log.close();
    }
  });
});
