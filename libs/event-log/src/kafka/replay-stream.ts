import type { Admin, Kafka } from 'kafkajs';
import type { StreamName } from '@twinlog/domain';
import type { RecordedEvent } from '../event-log.port';
import { fromMessage, fromPacked } from './kafka-codec';
import { readRange, type PartitionRange } from './kafka-range-reader';
import type { FetchThread } from './replay-worker/fetch-thread';

/** One stream's part of a replay: where to read, up to when, and where the events go. */
export interface StreamReplay {
  stream: StreamName;
  topic: string;
  ranges: PartitionRange[];
  /** Messages recorded after this time end their partition's range. */
  untilMs: number;
  /** Events per handler call. */
  chunk: number;
  deliver: (batch: RecordedEvent[]) => Promise<void>;
}

// Both readers decode and hand over a chunk at a time: a fetch holds thousands of messages, and
// decoding them all first kept every event alive across young-generation collections. Poison
// messages are skipped: dead-lettering them is the subscribers' job, and a replay reads past them.

/** What the fetch thread needs to read a stream. */
export function fetchJobOf(replay: Omit<StreamReplay, 'chunk' | 'deliver'>) {
  return { topic: replay.topic, ranges: replay.ranges, untilMs: replay.untilMs };
}

/** Reads the stream on this thread; returns the next offset per partition. */
export function replayHere(
  kafka: Kafka,
  admin: Admin,
  replay: StreamReplay,
): Promise<Map<number, number>> {
  const { stream, untilMs, chunk, deliver } = replay;
  return readRange(kafka, admin, replay.topic, replay.ranges, async (partition, messages) => {
    let taken = 0;
    while (taken < messages.length) {
      const batch: RecordedEvent[] = [];
      for (; taken < messages.length && batch.length < chunk; taken++) {
        const message = messages[taken]!;
        if (Number(message.timestamp) > untilMs) break;
        try {
          batch.push(fromMessage(stream, partition, message));
        } catch {
          // skipped: see above
        }
      }
      await deliver(batch);
      if (taken < messages.length && Number(messages[taken]!.timestamp) > untilMs) break;
    }
    return taken;
  });
}

/**
 * Reads the stream through the fetch thread, decoding here; returns the next offset per
 * partition. The thread was started with this stream's job (fetchJobOf) in its turn.
 */
export function replayViaThread(
  thread: FetchThread,
  replay: StreamReplay,
): Promise<Map<number, number>> {
  const { stream, chunk, deliver } = replay;
  return thread.read(async (packed) => {
    const bytes = Buffer.from(
      packed.bytes.buffer,
      packed.bytes.byteOffset,
      packed.bytes.byteLength,
    );
    const count = packed.offsets.length;
    for (let i = 0; i < count;) {
      const batch: RecordedEvent[] = [];
      for (; i < count && batch.length < chunk; i++) {
        try {
          batch.push(fromPacked(stream, packed, bytes, i));
        } catch {
          // skipped: see above
        }
      }
      await deliver(batch);
    }
  });
}
