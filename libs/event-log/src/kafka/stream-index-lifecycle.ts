import type { StreamName } from '@twinlog/domain';
import type { KafkaStreamIndex } from './kafka-stream-index';
import { StaleIndexError } from './stream-index-errors';

/** Partitions to catch up per stream (where some twins' events are). */
export type IndexPartitions = Record<StreamName, number[]>;

/**
 * The Kafka log's stream index over its life: started on first use (producers that never read a
 * twin's stream, and replays, do not pay for it), retried after a failed start, replaced by a
 * new one when found void (a topic recreated under it), and stopped with the log.
 */
export class StreamIndexLifecycle {
  private started: Promise<KafkaStreamIndex> | undefined;
  private closed = false;

  constructor(private readonly newIndex: () => KafkaStreamIndex) {}

  /** Starts the stream index now, in the background; a failure shows on the first read. */
  warmUp(): void {
    if (!this.closed) this.startedIndex().catch(() => undefined);
  }

  /** The stream index, caught up with the log on the given partitions. */
  async caughtUp(
    only: IndexPartitions,
    written?: (stream: StreamName, partition: number) => number,
  ): Promise<KafkaStreamIndex> {
    // A read after close must not start a new index consumer that nobody will stop.
    if (this.closed) throw new Error('the event log is closed');
    const index = await this.startedIndex();
    try {
      await index.catchUp(30_000, only, written);
      return index;
    } catch (error) {
      if (!(error instanceof StaleIndexError)) throw error;
      // Found void while catching up: once more on the index that replaces it.
      const rebuilt = await this.startedIndex();
      await rebuilt.catchUp(30_000, only, written);
      return rebuilt;
    }
  }

  /** From now on reads fail and no index starts; the running one stops on stop(). */
  refuseReads(): void {
    this.closed = true;
  }

  async stop(): Promise<void> {
    this.refuseReads();
    const index = await this.started?.catch(() => undefined);
    await index?.stop();
  }

  /**
   * The stream index, started once; from then on it follows the log by itself. One that found
   * itself void is stopped and replaced by a new one, which rebuilds from the log.
   */
  private async startedIndex(): Promise<KafkaStreamIndex> {
    const started = (this.started ??= this.retriedIfFailed(this.startIndex()));
    const index = await started;
    if (!index.voided) return index;
    if (this.started === started)
      this.started = this.retriedIfFailed(
        (async () => {
          await index.stop();
          return this.startIndex();
        })(),
      );
    return this.started;
  }

  /**
   * A start that failed (the broker's metadata still settling after a topic was recreated) is
   * forgotten, so the next read starts the index again instead of failing forever.
   */
  private retriedIfFailed(starting: Promise<KafkaStreamIndex>): Promise<KafkaStreamIndex> {
    const tracked: Promise<KafkaStreamIndex> = starting.catch((error: unknown) => {
      if (this.started === tracked) this.started = undefined;
      throw error;
    });
    return tracked;
  }

  private async startIndex(): Promise<KafkaStreamIndex> {
    const index = this.newIndex();
    try {
      await index.start();
    } catch (error) {
      await index.stop().catch(() => undefined);
      throw error;
    }
    return index;
  }
}
