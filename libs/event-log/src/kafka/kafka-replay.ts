import type { Admin, Kafka } from 'kafkajs';
import type { StreamName } from '@twinlog/domain';
import type {
  BatchHandler,
  LogPosition,
  RecordedEvent,
  ReplayOptions,
  ReplayResult,
} from '../event-log.port';
import type { KafkaLogConfig } from './kafka-log.config';
import { watermarks, type PartitionRange } from './kafka-range-reader';
import type { TopicNames } from './kafka-topics';
import { fetchJobOf, replayHere, replayViaThread } from './replay-stream';
import { FetchThread } from './replay-worker/fetch-thread';
import { retryRetriable } from './retry-retriable';

/** What a replay needs of the Kafka log. */
export interface ReplaySource {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly names: TopicNames;
  readonly settings: Pick<
    KafkaLogConfig,
    'brokers' | 'clientId' | 'security' | 'replayWorkerMinEvents'
  >;
}

/**
 * Replays streams from the log in batches: plans each stream's partition ranges, then reads the
 * large ones on a fetch thread (ADR 0010), which starts on them at once, and the smaller ones here.
 */
export async function replayLog(
  source: ReplaySource,
  options: ReplayOptions,
  handler: BatchHandler,
): Promise<ReplayResult> {
  const { kafka, admin, names, settings } = source;
  const untilMs = options.until ? Date.parse(options.until) : Number.POSITIVE_INFINITY;
  const plans = await Promise.all(
    options.streams.map(async (stream) => ({
      stream,
      ranges: await replayRanges(admin, names.stream[stream], stream, options),
    })),
  );
  const total = plans.reduce((sum, p) => sum + sizeOf(p.ranges), 0);
  let events = 0;
  const chunk = options.maxBatchSize ?? 500;
  const next: LogPosition[] = [];
  const deliver = async (batch: RecordedEvent[]) => {
    if (batch.length > 0) await handler(batch);
    events += batch.length;
    options.onProgress?.({ events, total });
  };
  const large = (ranges: PartitionRange[]) => sizeOf(ranges) >= settings.replayWorkerMinEvents;
  const streams = plans.map(({ stream, ranges }) => ({
    stream,
    topic: names.stream[stream],
    ranges,
    untilMs,
  }));
  const fetched = streams.filter((s) => large(s.ranges));
  const fetchThread =
    fetched.length > 0
      ? FetchThread.start({
          brokers: settings.brokers,
          clientId: settings.clientId,
          security: settings.security,
          jobs: fetched.map(fetchJobOf),
        })
      : undefined;
  try {
    for (const stream of streams) {
      const replay = { ...stream, chunk, deliver };
      const reached =
        fetchThread && large(stream.ranges)
          ? await replayViaThread(fetchThread, replay)
          : await replayHere(kafka, admin, replay);
      for (const [partition, offset] of reached)
        next.push({ stream: stream.stream, partition, offset });
    }
  } finally {
    await fetchThread?.stop();
  }
  return { events, next };
}

/** Each partition's range to replay: from the options' start (or the beginning) to its end. */
async function replayRanges(
  admin: Admin,
  topic: string,
  stream: StreamName,
  options: ReplayOptions,
): Promise<PartitionRange[]> {
  const marks = await watermarks(admin, topic);
  const from = options.from ?? { kind: 'beginning' };
  let starts: Map<number, number>;
  if (from.kind === 'beginning') starts = new Map(marks.map((m) => [m.partition, m.low]));
  else if (from.kind === 'positions') {
    starts = new Map(
      marks.map((m) => [
        m.partition,
        from.positions.find((p) => p.stream === stream && p.partition === m.partition)?.offset ??
          m.low,
      ]),
    );
  } else {
    const byTime = await retryRetriable(() =>
      admin.fetchTopicOffsetsByTimestamp(topic, Date.parse(from.recordedAt)),
    );
    starts = new Map(byTime.map((o) => [o.partition, Number(o.offset)]));
  }
  const endAt = (partition: number) =>
    options.endAt?.find((p) => p.stream === stream && p.partition === partition)?.offset;
  return marks
    .filter((m) => options.partitions?.includes(m.partition) ?? true)
    .map((m) => ({
      partition: m.partition,
      start: starts.get(m.partition) ?? m.low,
      end: Math.min(m.high, endAt(m.partition) ?? m.high),
    }));
}

/** How many offsets the ranges span. */
function sizeOf(ranges: PartitionRange[]): number {
  return ranges.reduce((sum, r) => sum + Math.max(0, r.end - r.start), 0);
}
