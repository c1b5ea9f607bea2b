import type { Admin, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type {
  DeadLetter,
  DeadLetterPage,
  DeadLetterPageQuery,
  DeadLetterReplay,
  RecordedDeadLetter,
} from '../event-log.port';
import { readRange, watermarks, type PartitionRange } from './kafka-range-reader';
import { retryRetriable } from './retry-retriable';

/** Replay records share the dead-letter topic with the letters, told apart by this header. */
export const RECORD_HEADER = 'twinlog-record';
export const REPLAY_RECORD = 'dead-letter-replay';
const isReplayRecord = (headers: IHeaders | undefined) =>
  headers?.[RECORD_HEADER]?.toString() === REPLAY_RECORD;

/** The most records one page reads: a page that filters most of them out ends early, with a next. */
const MAX_RECORDS_PER_PAGE = 5_000;
/** Ids closer than this are read in one offset range rather than one range each. */
const RANGE_GAP = 100;

/**
 * Reads the dead-letter topic by offset ranges: a page from its cursor forward, letters by id
 * (their offsets), and the replay records incrementally. A letter's JSON is parsed only when it
 * goes into an answer; its code is filtered on its header.
 */
export class KafkaDeadLetters {
  recordsRead = 0;
  private readonly replays: DeadLetterReplay[] = [];
  private readonly replaysNext = new Map<number, number>();
  private replaysRead: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly topic: string,
  ) {}

  async all(): Promise<RecordedDeadLetter[]> {
    const letters: RecordedDeadLetter[] = [];
    const ranges = (await watermarks(this.admin, this.topic)).map((w) => ({
      partition: w.partition,
      start: w.low,
      end: w.high,
    }));
    await this.read(ranges, (partition, m) => {
      if (!isReplayRecord(m.headers)) letters.push(letterOf(partition, m));
    });
    return letters;
  }

  /** A page of partition 0 (the topic has one): from the cursor's offset forward. */
  async page(query: DeadLetterPageQuery): Promise<DeadLetterPage> {
    const w = (await watermarks(this.admin, this.topic)).find((p) => p.partition === 0);
    if (!w) return { letters: [], next: null };
    let start = query.after === undefined ? w.low : Math.max(w.low, offsetOf(query.after) + 1);
    if (start > w.high) return { letters: [], next: null, afterEnd: true };
    const sinceMs = query.since === undefined ? undefined : Date.parse(query.since);
    if (sinceMs !== undefined) {
      // The record timestamp is when the letter was produced, right after its `at`.
      const byTime = await retryRetriable(() =>
        this.admin.fetchTopicOffsetsByTimestamp(this.topic, sinceMs),
      );
      const offset = Number(byTime.find((o) => o.partition === 0)?.offset ?? w.high);
      start = Math.max(start, offset < 0 ? w.high : offset);
    }
    const end = Math.min(w.high, start + MAX_RECORDS_PER_PAGE);
    if (start >= end) return { letters: [], next: null };
    const letters: RecordedDeadLetter[] = [];
    let bytes = 0;
    const next = await readRange(
      this.kafka,
      this.admin,
      this.topic,
      [{ partition: 0, start, end }],
      async (_p, messages) => {
        for (const [i, m] of messages.entries()) {
          if (letters.length >= query.limit || (letters.length > 0 && bytes >= query.maxBytes))
            return i;
          this.recordsRead++;
          if (!m.value || isReplayRecord(m.headers)) continue;
          if (query.code !== undefined && m.headers?.['code']?.toString() !== query.code) continue;
          const letter = letterOf(0, m);
          if (sinceMs !== undefined && Date.parse(letter.at) < sinceMs) continue;
          letters.push(letter);
          bytes += letter.payload.length;
        }
        return messages.length;
      },
    );
    const stoppedAt = next.get(0) ?? end;
    return { letters, next: stoppedAt >= w.high ? null : String(stoppedAt - 1) };
  }

  /** The letters with these ids, reading only the offsets around them. */
  async byIds(ids: string[]): Promise<RecordedDeadLetter[]> {
    const wanted = new Map<number, Set<number>>();
    for (const id of ids) {
      const [partition, offset] = id.includes('-') ? id.split('-').map(Number) : [0, Number(id)];
      if (!Number.isSafeInteger(partition) || !Number.isSafeInteger(offset)) continue;
      if (!wanted.has(partition!)) wanted.set(partition!, new Set());
      wanted.get(partition!)!.add(offset!);
    }
    const marks = await watermarks(this.admin, this.topic);
    // Runs of nearby offsets, one range per partition at a time (readRange's unit).
    const runs: PartitionRange[][] = [];
    for (const w of marks) {
      const offsets = [...(wanted.get(w.partition) ?? [])]
        .filter((o) => o >= w.low && o < w.high)
        .sort((a, b) => a - b);
      const ranges: PartitionRange[] = [];
      for (const offset of offsets) {
        const last = ranges[ranges.length - 1];
        if (last && offset - last.end < RANGE_GAP) last.end = offset + 1;
        else ranges.push({ partition: w.partition, start: offset, end: offset + 1 });
      }
      ranges.forEach((range, k) => (runs[k] ??= []).push(range));
    }
    const letters: RecordedDeadLetter[] = [];
    for (const ranges of runs) {
      await this.read(ranges, (partition, m) => {
        if (wanted.get(partition)?.has(Number(m.offset)) && !isReplayRecord(m.headers))
          letters.push(letterOf(partition, m));
      });
    }
    return letters.sort(
      (a, b) => partitionOf(a.id) - partitionOf(b.id) || offsetOf(a.id) - offsetOf(b.id),
    );
  }

  /** Every replay record: read once, then only the records added since the last call. */
  replayRecords(): Promise<DeadLetterReplay[]> {
    const run = this.replaysRead.then(async () => {
      const ranges = (await watermarks(this.admin, this.topic)).map((w) => ({
        partition: w.partition,
        start: Math.max(w.low, this.replaysNext.get(w.partition) ?? w.low),
        end: w.high,
      }));
      const next = await readRange(this.kafka, this.admin, this.topic, ranges, async (_p, ms) => {
        for (const m of ms)
          if (m.value && isReplayRecord(m.headers))
            this.replays.push(JSON.parse(m.value.toString('utf8')) as DeadLetterReplay);
      });
      for (const [partition, offset] of next) this.replaysNext.set(partition, offset);
      return [...this.replays];
    });
    this.replaysRead = run.catch(() => undefined);
    return run;
  }

  private async read(
    ranges: PartitionRange[],
    each: (partition: number, message: KafkaMessage) => void,
  ): Promise<void> {
    await readRange(this.kafka, this.admin, this.topic, ranges, async (p, messages) => {
      for (const m of messages) {
        this.recordsRead++;
        if (m.value) each(p, m);
      }
    });
  }
}

function letterOf(partition: number, m: KafkaMessage): RecordedDeadLetter {
  const id = partition === 0 ? m.offset : `${partition}-${m.offset}`;
  return { ...(JSON.parse(m.value!.toString('utf8')) as DeadLetter), id };
}

const partitionOf = (id: string) => (id.includes('-') ? Number(id.split('-')[0]) : 0);
const offsetOf = (id: string) => Number(id.includes('-') ? id.split('-')[1] : id);
