import type { EventEnvelope, NewEvent, StreamName } from '@twinlog/domain';
import type { EventLog, RecordedEvent } from '../event-log.port';
import { PartitionProgress } from './partition-progress';

/** What a stateful consumer does with its events; the bookkeeping around it is shared. */
export interface PartitionedState {
  /**
   * Feeds one event to the state of its partition and returns the events it decides to append.
   * `silent`: the event is being replayed to rebuild state (it was handled before, its results
   * are in the log): learn from it, return nothing.
   */
  feed(partition: number, event: EventEnvelope, silent: boolean): Promise<NewEvent[]>;
  /** Drops every trace of the partition's state. */
  drop(partition: number): void;
}

export interface RebuildReport {
  partition: number;
  from: number;
  upTo: number;
  events: number;
  ms: number;
}

/**
 * A consumer-group member whose state is a deterministic function of its partitions' events
 * (the anomaly detectors, the maintenance health models). Before handling a batch it brings the
 * partition's state exactly up to it from the log (see PartitionProgress), feeds the batch,
 * appends what came of it, and only then lets the offsets be committed. A failure drops the
 * state of the batch's partitions, so the redelivered batch is fed to state rebuilt from the
 * log rather than fed twice.
 */
export class StatefulStreamConsumer {
  private readonly progress = new PartitionProgress();
  private held: number[] = [];
  readonly stats = { appended: 0, restores: 0 };

  constructor(
    private readonly log: EventLog,
    private readonly stream: StreamName,
    private readonly state: PartitionedState,
    private readonly onRebuilt: (report: RebuildReport) => void = () => undefined,
    /** A long rebuild's progress, at most every `progressEveryMs`. */
    private readonly onProgress: (report: RebuildReport & { total?: number }) => void = () =>
      undefined,
    private readonly progressEveryMs = 5_000,
  ) {}

  /** The partitions this member holds since the latest rebalance. */
  get partitions(): number[] {
    return this.held;
  }

  /** After a rebalance: the state of partitions this member lost is dropped. */
  assigned(partitions: number[]): void {
    this.held = partitions;
    for (const partition of this.progress.partitions)
      if (!partitions.includes(partition)) this.forget(partition);
  }

  /** Handles a batch; resolves, once what came of it is appended, with the records it fed. */
  async handle(batch: RecordedEvent[]): Promise<RecordedEvent[]> {
    const results: NewEvent[] = [];
    const fed: RecordedEvent[] = [];
    const partitions = groupByPartition(batch, this.stream);
    try {
      for (const [partition, records] of partitions) {
        for (const record of await this.prepare(partition, records)) {
          results.push(...(await this.state.feed(partition, record.event, false)));
          fed.push(record);
        }
      }
      if (results.length > 0)
        this.stats.appended += (await this.log.append(results)).appended.length;
    } catch (error) {
      for (const partition of partitions.keys()) this.forget(partition);
      throw error;
    }
    for (const [partition, records] of partitions)
      this.progress.advance(partition, records[records.length - 1]!.position.offset + 1);
    return fed;
  }

  /** Brings the partition's state up to the batch; returns the records still to feed. */
  private async prepare(partition: number, records: RecordedEvent[]): Promise<RecordedEvent[]> {
    const plan = this.progress.plan(partition, records[0]!.position.offset);
    switch (plan.kind) {
      case 'in-step':
        return records;
      case 'skip':
        return records.filter((r) => r.position.offset >= plan.below);
      case 'restore':
        this.forget(partition);
        await this.replay(partition, 0, plan.upTo);
        return records;
      case 'catch-up':
        await this.replay(partition, plan.from, plan.upTo);
        return records;
      default:
        return assertNever(plan);
    }
  }

  /** Feeds [from, upTo) of the partition to the state, silently: it was handled before. */
  private async replay(partition: number, from: number, upTo: number): Promise<void> {
    if (upTo <= from) return;
    const started = Date.now();
    let events = 0;
    let lastProgress = started;
    const stream = this.stream;
    await this.log.replay(
      {
        streams: [stream],
        partitions: [partition],
        // From the beginning rather than offset 0: retention may have deleted the oldest offsets.
        from:
          from === 0
            ? { kind: 'beginning' }
            : { kind: 'positions', positions: [{ stream, partition, offset: from }] },
        endAt: [{ stream, partition, offset: upTo }],
        maxBatchSize: 5_000,
        onProgress: ({ events: done, total }) => {
          if (Date.now() - lastProgress < this.progressEveryMs) return;
          lastProgress = Date.now();
          this.onProgress({
            partition,
            from,
            upTo,
            events: done,
            ms: lastProgress - started,
            ...(total !== undefined ? { total } : {}),
          });
        },
      },
      async (replayed) => {
        for (const { event } of replayed) await this.state.feed(partition, event, true);
        events += replayed.length;
      },
    );
    this.stats.restores += 1;
    this.onRebuilt({ partition, from, upTo, events, ms: Date.now() - started });
  }

  private forget(partition: number): void {
    this.progress.forget(partition);
    this.state.drop(partition);
  }
}

function groupByPartition(
  batch: RecordedEvent[],
  stream: StreamName,
): Map<number, RecordedEvent[]> {
  const groups = new Map<number, RecordedEvent[]>();
  for (const record of batch) {
    if (record.position.stream !== stream) continue;
    const group = groups.get(record.position.partition);
    if (group) group.push(record);
    else groups.set(record.position.partition, [record]);
  }
  return groups;
}

function assertNever(value: never): never {
  throw new Error(`unexpected plan ${JSON.stringify(value)}`);
}
