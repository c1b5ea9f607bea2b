import { randomUUID } from 'node:crypto';
import { realServer } from '@twinlog/testing';
import { describeEventLogContract } from '../testing/event-log.contract';
import { registered } from '../testing/sample-events';
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
