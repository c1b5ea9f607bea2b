import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { NewEvent } from '@twinlog/domain';
import { encodeCompactTelemetry } from '../shared/compact-telemetry';
import { realServer } from '@twinlog/testing';
import type { EventLog } from '../event-log.port';
import { describeEventLogContract } from '../testing/event-log.contract';
import { alertOpened, eventually, registered, telemetry } from '../testing/sample-events';
import { KafkaEventLog } from './kafka-event-log';

const { brokers } = realServer('kafka');
const prefixOf = new WeakMap<EventLog, string>();
/** A log on new topics, or another connection to the topics of `sameStoreAs`. */
const openFresh = async (sameStoreAs?: EventLog) => {
  const topicPrefix =
    (sameStoreAs && prefixOf.get(sameStoreAs)) ?? `t-${randomUUID().slice(0, 8)}.`;
  const log = await KafkaEventLog.connect({ brokers, topicPrefix, partitions: 3 });
  prefixOf.set(log, topicPrefix);
  return log;
};

describeEventLogContract('Kafka', openFresh);

// Large replays fetch on a worker thread; here every replay does, of compact telemetry, and
// must mean the same.
describeEventLogContract(
  'Kafka, compact telemetry, replays fetched on a worker thread',
  () =>
    KafkaEventLog.connect({
      brokers,
      topicPrefix: `t-${randomUUID().slice(0, 8)}.`,
      partitions: 3,
      replayWorkerMinEvents: 0,
      telemetryEncoding: 'compact',
    }),
  /^replays/,
);

describe('Kafka replay fetched on a worker thread', () => {
  it('reads past poison messages, stops at the end or at `until`, and reports where it stopped', async () => {
    const topicPrefix = `t-${randomUUID().slice(0, 8)}.`;
    const log = await KafkaEventLog.connect({
      brokers,
      topicPrefix,
      partitions: 1,
      replayWorkerMinEvents: 0,
      clientLogLevel: 'nothing',
    });
    const producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
    try {
      const twinId = `twin-${randomUUID().slice(0, 8)}`;
      const times = [1, 2, 3, 4].map((m) => `2026-11-27T06:0${m}:00.000Z`);
      await log.append([telemetry(twinId, 1, times[0]!), telemetry(twinId, 2, times[1]!)]);
      await producer.connect();
      const good = encodeCompactTelemetry(
        telemetry(twinId, 9, times[1]!) as NewEvent & { type: 'TelemetryReported' },
      );
      await producer.send({
        topic: `${topicPrefix}telemetry`,
        messages: [
          { key: twinId, value: 'not json' },
          { key: twinId, value: good.subarray(0, good.length - 3) },
          { key: twinId, value: null },
        ],
      });
      const last = await log.append([
        telemetry(twinId, 3, times[2]!),
        telemetry(twinId, 4, times[3]!, {
          recordedAt: new Date(Date.now() + 60_000).toISOString(),
        }),
      ]);
      const collect = async (until?: string) => {
        const values: number[] = [];
        const result = await log.replay({ streams: ['telemetry'], until }, async (batch) => {
          for (const { event } of batch)
            if (event.type === 'TelemetryReported') values.push(event.data.readings[0]!.value);
        });
        return { values, next: result.next };
      };
      const all = await collect();
      expect(all.values).toEqual([1, 2, 3, 4]);
      expect(all.next).toEqual([
        { stream: 'telemetry', partition: 0, offset: last.appended[1]!.position.offset + 1 },
      ]);
      const early = await collect(new Date(Date.now() + 30_000).toISOString());
      expect(early.values).toEqual([1, 2, 3]);
      expect(early.next[0]!.offset).toBe(last.appended[1]!.position.offset);
    } finally {
      await producer.disconnect();
      await log.close();
    }
  });

  it('fails the replay, not the process, when the handler throws', async () => {
    const log = await KafkaEventLog.connect({
      brokers,
      topicPrefix: `t-${randomUUID().slice(0, 8)}.`,
      partitions: 1,
      replayWorkerMinEvents: 0,
    });
    try {
      await log.append([telemetry('twin-a', 1, new Date().toISOString())]);
      await expect(
        log.replay({ streams: ['telemetry'] }, async () => {
          throw new Error('projection broke');
        }),
      ).rejects.toThrow('projection broke');
    } finally {
      await log.close();
    }
  });
});

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
      await expect(log.readStream(twinId)).rejects.toThrow(
        /does not index the telemetry and alerts streams/,
      );
      await expect(log.readStream(twinId, { streams: ['alerts'] })).rejects.toThrow(
        /does not index the alerts stream \(indexedStreams\)/,
      );
    } finally {
      await log.close();
    }
  });

  it('indexes the alerts stream for a service that asks (alerting): repeated decisions dropped', async () => {
    const log = await KafkaEventLog.connect({
      brokers,
      topicPrefix: `t-${randomUUID().slice(0, 8)}.`,
      partitions: 3,
      indexedStreams: ['twin-events', 'alerts'],
    });
    try {
      const groupKey = `line-${randomUUID().slice(0, 8)}`;
      const opened = alertOpened(groupKey, 'alert-1');
      expect((await log.append([opened])).appended).toHaveLength(1);
      // A redelivered cause decides the same event id again: the log drops it.
      expect(await log.append([opened])).toEqual({ appended: [], duplicates: [opened.id] });
      const read = await log.readStream(groupKey, { streams: ['twin-events', 'alerts'] });
      expect(read.map((e) => e.type)).toEqual(['AlertOpened']);
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

describe('Kafka telemetry written in both encodings', () => {
  it('replays, reads one twin and subscribes alike whichever form each event was written in', async () => {
    const topicPrefix = `t-${randomUUID().slice(0, 8)}.`;
    const open = (telemetryEncoding: 'json' | 'compact') =>
      KafkaEventLog.connect({ brokers, topicPrefix, partitions: 3, telemetryEncoding });
    const twinId = `twin-${randomUUID().slice(0, 8)}`;
    const times = [1, 2, 3, 4].map((m) => `2026-11-27T06:0${m}:00.000Z`);
    const asJson = await open('json');
    await asJson.append([telemetry(twinId, 1, times[0]!), telemetry(twinId, 2, times[1]!)]);
    await asJson.close();
    const log = await open('compact');
    try {
      await log.append([telemetry(twinId, 3, times[2]!), telemetry(twinId, 4, times[3]!)]);
      const replayed: number[] = [];
      await log.replay({ streams: ['telemetry'] }, async (batch) => {
        for (const r of batch)
          if (r.event.type === 'TelemetryReported') replayed.push(r.event.data.readings[0]!.value);
      });
      expect(replayed).toEqual([1, 2, 3, 4]);
      const stream = await log.readStream(twinId, { streams: ['telemetry'] });
      expect(stream.map((e) => e.revision)).toEqual([1, 2, 3, 4]);
      const received: number[] = [];
      const subscription = await log.subscribe({
        group: 'both-forms',
        streams: ['telemetry'],
        fromBeginning: true,
        handler: async (batch) => {
          for (const r of batch)
            if (r.event.type === 'TelemetryReported')
              received.push(r.event.data.readings[0]!.value);
        },
      });
      await eventually(() => received.length >= 4, 'the subscriber to receive all four', 60_000);
      expect(received).toEqual([1, 2, 3, 4]);
      await subscription.stop();
    } finally {
      await log.close();
    }
  });
});

describe('Kafka append larger than one produce request', () => {
  it('goes out as consecutive requests: 2 MB of telemetry on one partition, in order', async () => {
    // The broker refuses a partition's record batch above message.max.bytes (1 MB by default):
    // sent as one request, this append would fail on every retry (found by bench:mqtt, issue 16).
    const log = await KafkaEventLog.connect({
      brokers,
      topicPrefix: `t-${randomUUID().slice(0, 8)}.`,
      partitions: 1,
      clientLogLevel: 'nothing',
    });
    try {
      const twinId = `twin-${randomUUID().slice(0, 8)}`;
      const at = '2026-12-06T07:00:00.000Z';
      const events = Array.from({ length: 40 }, (_, i) => {
        const event = telemetry(twinId, i, at);
        const [reading] = (event.data as unknown as { readings: Array<Record<string, unknown>> })
          .readings;
        (event.data as unknown as { readings: unknown[] }).readings = Array.from(
          { length: 500 },
          (_, k) => ({
            ...reading,
            readingId: `${i}-${k}`,
            value: k,
          }),
        );
        return event;
      });
      const bytes = events.reduce((sum, e) => sum + JSON.stringify(e).length, 0);
      expect(bytes).toBeGreaterThan(2 * 1024 * 1024);
      const { appended } = await log.append(events);
      expect(appended.map((a) => a.position.offset)).toEqual(
        appended.map((_, i) => appended[0]!.position.offset + i),
      );
      const read = await log.readStream(twinId, { streams: ['telemetry'] });
      expect(read.map((e) => e.id)).toEqual(events.map((e) => e.id));
    } finally {
      await log.close();
    }
  });
});
