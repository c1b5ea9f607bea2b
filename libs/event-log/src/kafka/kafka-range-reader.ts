import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { retryRetriable } from './retry-retriable';

export interface PartitionRange {
  partition: number;
  /** First offset to read. */
  start: number;
  /** Offset to stop before (a high watermark, usually). */
  end: number;
}

/**
 * Reads bounded offset ranges of one topic and then stops: the building block of replay,
 * snapshot loading and dead-letter listing. `onBatch` may return how many of the messages it
 * took; fewer than given stops that partition there (a replay's end time). One that may wait
 * long calls `heartbeat` meanwhile. Returns the next offset to read per partition.
 */
export async function readRange(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  ranges: PartitionRange[],
  onBatch: (
    partition: number,
    messages: KafkaMessage[],
    heartbeat: () => Promise<void>,
  ) => Promise<number | void>,
): Promise<Map<number, number>> {
  const next = new Map(ranges.map((r) => [r.partition, r.start]));
  const open = new Set(ranges.filter((r) => r.start < r.end).map((r) => r.partition));
  if (open.size === 0) return next;
  const ends = new Map(ranges.map((r) => [r.partition, r.end]));
  // A throwaway group that never commits; each partition is sought to its range start.
  // (admin.setOffsets would avoid the seek but costs seconds per call.)
  const groupId = `twinlog-reader-${randomUUID()}`;
  // A short fetch wait: the consumer stops once every range is read, and disconnecting waits for
  // the fetch in flight, which on drained partitions lasts the whole wait (5 s by default).
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 100,
    // Bigger fetches than a live consumer's: a replay reads long runs of old data.
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxBytes: 32 * 1024 * 1024,
  });
  let finish!: () => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => ([finish, fail] = [resolve, reject]));
  const close = (partition: number) => {
    if (!open.delete(partition)) return;
    consumer.pause([{ topic, partitions: [partition] }]);
    if (open.size === 0) finish();
  };
  /** Everything up to `offset` was read (handed over, or not for this range). */
  const passed = (partition: number, offset: number) => {
    const from = next.get(partition)!;
    next.set(partition, Math.min(ends.get(partition)!, Math.max(from, offset + 1)));
    if (next.get(partition)! >= ends.get(partition)!) close(partition);
  };
  onMarkersOnly(consumer, ({ partition, lastOffset }) => {
    if (open.has(partition)) passed(partition, Number(lastOffset));
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        const partition = batch.partition;
        if (!open.has(partition)) return;
        const wanted = within(batch.messages, next.get(partition)!, ends.get(partition)!);
        try {
          const taken =
            wanted.length === 0
              ? 0
              : ((await onBatch(partition, wanted, heartbeat)) ?? wanted.length);
          const stopped = taken < wanted.length;
          // The batch's last offset, past any transaction marker after its last message.
          if (stopped) next.set(partition, Number(wanted[taken]!.offset));
          else passed(partition, Number(batch.lastOffset()));
          await heartbeat();
          if (stopped) close(partition);
        } catch (error) {
          fail(error);
        }
      },
    });
    for (const r of ranges) {
      if (open.has(r.partition))
        consumer.seek({ topic, partition: r.partition, offset: String(r.start) });
    }
    await done;
    return next;
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
}

/**
 * A fetch of transaction markers only (or of an aborted transaction's records) never reaches
 * eachBatch: kafkajs tells it as a batch of none (with offsets, unlike an empty fetch). Readers
 * that track their position move past it here.
 */
export function onMarkersOnly(
  consumer: Consumer,
  passed: (batch: { topic: string; partition: number; lastOffset: string }) => void,
): void {
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.batchSize === 0 && payload.firstOffset !== null) passed(payload);
  });
}

/** The messages with offsets in [from, end): usually all of a batch, checked at its two ends. */
function within(messages: KafkaMessage[], from: number, end: number): KafkaMessage[] {
  const first = messages[0];
  const last = messages[messages.length - 1];
  if (!first || !last) return messages;
  if (Number(first.offset) >= from && Number(last.offset) < end) return messages;
  return messages.filter((m) => Number(m.offset) >= from && Number(m.offset) < end);
}

/** Low and high watermarks of every partition of a topic. */
export async function watermarks(
  admin: Admin,
  topic: string,
): Promise<Array<{ partition: number; low: number; high: number }>> {
  const offsets = await retryRetriable(() => admin.fetchTopicOffsets(topic));
  return offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }));
}

/**
 * The message at one offset of each given partition (those no longer there are left out): the
 * stream index's checks compare what it read there once with what the log holds now.
 */
export async function readMessagesAt(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  offsets: Map<number, number>,
): Promise<Map<number, KafkaMessage>> {
  const found = new Map<number, KafkaMessage>();
  const ranges = [...offsets].map(([partition, offset]) => ({
    partition,
    start: offset,
    end: offset + 1,
  }));
  await readRange(kafka, admin, topic, ranges, async (partition, messages) => {
    const message = messages.find((m) => Number(m.offset) === offsets.get(partition));
    if (message) found.set(partition, message);
  });
  return found;
}
