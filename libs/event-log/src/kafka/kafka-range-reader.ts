import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';

export interface PartitionRange {
  partition: number;
  /** First offset to read. */
  start: number;
  /** Offset to stop before (a high watermark, usually). */
  end: number;
}

/**
 * Reads bounded offset ranges of one topic and then stops: the building block of replay,
 * snapshot loading and dead-letter listing. Uses a throwaway group that never commits.
 * `onBatch` returns false to stop early (for example at a replay's end time).
 */
export async function readRange(
  kafka: Kafka,
  topic: string,
  ranges: PartitionRange[],
  onBatch: (partition: number, messages: KafkaMessage[]) => Promise<boolean | void>,
): Promise<Map<number, number>> {
  const next = new Map(ranges.map((r) => [r.partition, r.start]));
  const open = new Set(ranges.filter((r) => r.start < r.end).map((r) => r.partition));
  if (open.size === 0) return next;
  const ends = new Map(ranges.map((r) => [r.partition, r.end]));
  const consumer = kafka.consumer({
    groupId: `twinlog-reader-${randomUUID()}`,
    allowAutoTopicCreation: false,
  });
  let finish!: () => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => ([finish, fail] = [resolve, reject]));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        const partition = batch.partition;
        if (!open.has(partition)) return;
        const end = ends.get(partition)!;
        const wanted = batch.messages.filter(
          (m) => Number(m.offset) >= next.get(partition)! && Number(m.offset) < end,
        );
        try {
          const goOn = wanted.length === 0 ? true : await onBatch(partition, wanted);
          if (wanted.length > 0) next.set(partition, Number(wanted[wanted.length - 1]!.offset) + 1);
          await heartbeat();
          if (goOn === false || next.get(partition)! >= end) {
            open.delete(partition);
            consumer.pause([{ topic, partitions: [partition] }]);
          }
          if (open.size === 0) finish();
        } catch (error) {
          fail(error);
        }
      },
    });
    for (const r of ranges)
      if (open.has(r.partition))
        consumer.seek({ topic, partition: r.partition, offset: String(r.start) });
    await done;
    return next;
  } finally {
    await consumer.disconnect();
  }
}

/** Low and high watermarks of every partition of a topic. */
export async function watermarks(
  admin: Admin,
  topic: string,
): Promise<Array<{ partition: number; low: number; high: number }>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }));
}
