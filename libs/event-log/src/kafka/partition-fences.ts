import type { Kafka, Producer, ProducerBatch, RecordMetadata } from 'kafkajs';
import { TwinlogError, type NewEvent } from '@twinlog/domain';
import type { AppendOptions, AppendResult } from '../event-log.port';
import { KafkaAppender, type AppendPath } from './kafka-append';
import { ProduceBatcher, type BatchSender } from './produce-batcher';

/**
 * How long the broker lets a transaction stay open (kafkajs' default). A replica killed in the
 * middle of an append holds back every reader of that partition (they read committed records
 * only) until the next owner claims it, or for this long if nobody does. Shorter would let a
 * send that kafkajs retries through a broker's failover outlive its own transaction.
 */
const TRANSACTION_TIMEOUT_MS = 60_000;
/** After the group denied that this replica owns a partition, appends are refused without asking again for this long. */
const REFUSED_FOR_MS = 1_000;

/**
 * Kafka's answers to a producer whose epoch a newer one of the same transactional id replaced
 * (INVALID_PRODUCER_EPOCH, 47) or whose id the coordinator no longer knows
 * (INVALID_PRODUCER_ID_MAPPING, 49).
 */
const FENCED_CODES = new Set([47, 49]);

/** Whether the group gives this partition to this replica now (asked of the broker, not the map). */
export type ConfirmOwnership = (partition: number) => Promise<boolean>;

interface Fence {
  producer: Producer;
  appender: KafkaAppender;
  /** Set once the broker refused this producer: another replica holds the partition now. */
  fenced?: boolean;
  /**
   * Set when a transaction's commit or abort failed otherwise (a coordinator moving, a
   * timeout): kafkajs leaves such a producer unable to begin another.
   */
  spoilt?: boolean;
  /** The transaction under way, if any. */
  transaction?: Promise<unknown>;
}

/**
 * The partitions this replica writes as their owner (ADR 0023, item 3). Each has a
 * transactional producer of its own, with a transactional id per partition: claiming it bumps
 * the id's epoch, which aborts the previous owner's open transaction and makes the broker refuse
 * its next append. So an old owner that has not yet learnt of the handover (a slow rebalance, a
 * replica cut off from the group but still reachable over HTTP) cannot append after the new
 * owner has read the partition: its append fails with PARTITION_MOVING and nothing of it is
 * read by anyone. Appends that arrive together share one transaction (group commit).
 */
export class PartitionFences {
  private readonly held = new Map<number, Fence>();
  /** Claims and releases run one after another, in the order the maps came. */
  private changing: Promise<void> = Promise.resolve();
  private confirm: ConfirmOwnership = async () => false;
  /** When the group last denied a renewal, per partition. */
  private readonly refusedAt = new Map<number, number>();

  constructor(
    private readonly kafka: Kafka,
    /** `<prefix><group>.partition-`: the ACL's prefix for the transactional ids. */
    private readonly idPrefix: string,
    private readonly path: Omit<AppendPath, 'batcher'>,
  ) {}

  /**
   * Holds exactly these partitions: claims the new ones (fencing their old owners), releases the
   * rest. `confirm` is asked before a held partition is claimed again outside a new map.
   */
  hold(partitions: number[], confirm: ConfirmOwnership): Promise<void> {
    this.confirm = confirm;
    const next = this.changing.then(() => this.change(partitions));
    this.changing = next.catch(() => undefined);
    return next;
  }

  /**
   * Appends as the owner of a partition this replica holds; PARTITION_MOVING, with nothing
   * appended, when it does not hold it (any more).
   */
  async append(
    partition: number,
    events: NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    let fence = this.held.get(partition);
    if (!usable(fence)) fence = await this.renew(partition);
    if (!fence) throw partitionMoving(partition);
    return fence.appender.append(events, options);
  }

  /**
   * A new producer for a partition of this replica's map whose producer cannot append: fenced
   * (by the broker's own abort of a transaction that outlived its timeout, or by another
   * replica), stuck after a failed commit, or never claimed (the claim failed). Claiming again
   * fences whoever holds the id, so it is done only once the group itself, asked now, gives the
   * partition to this replica: a replica whose map is out of date never takes a partition back.
   */
  private renew(partition: number): Promise<Fence | undefined> {
    const renewed = this.changing.then(async () => {
      const fence = this.held.get(partition);
      if (usable(fence)) return fence;
      if (Date.now() - (this.refusedAt.get(partition) ?? 0) < REFUSED_FOR_MS) return undefined;
      if (!(await this.confirm(partition).catch(() => false))) {
        this.refusedAt.set(partition, Date.now());
        return undefined;
      }
      if (fence) await this.release(partition, fence);
      await this.claim(partition).catch(() => undefined);
      return this.held.get(partition);
    });
    this.changing = renewed.then(
      () => undefined,
      () => undefined,
    );
    return renewed;
  }

  releaseAll(): Promise<void> {
    return this.hold([], async () => false);
  }

  private async change(partitions: number[]): Promise<void> {
    const wanted = new Set(partitions);
    const released = [...this.held].filter(([p, fence]) => !wanted.has(p) || !usable(fence));
    await Promise.allSettled(released.map(([p, fence]) => this.release(p, fence)));
    const claimed = await Promise.allSettled(
      partitions.filter((p) => !this.held.has(p)).map((p) => this.claim(p)),
    );
    const failed = claimed.find((c) => c.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  /** No new transaction starts on it; the one under way ends (committed, or fenced) first. */
  private async release(partition: number, fence: Fence): Promise<void> {
    this.held.delete(partition);
    fence.fenced = true;
    await fence.transaction?.catch(() => undefined);
    await fence.producer.disconnect().catch(() => undefined);
  }

  private async claim(partition: number): Promise<void> {
    this.refusedAt.delete(partition);
    const producer = this.kafka.producer({
      transactionalId: `${this.idPrefix}${partition}`,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: TRANSACTION_TIMEOUT_MS,
      allowAutoTopicCreation: false,
    });
    try {
      await producer.connect();
      // kafkajs takes the transactional producer id at the first transaction: take it now, so
      // the old owner is fenced before this replica reads the partition. An empty transaction
      // sends nothing more.
      await (await producer.transaction()).abort();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    const fence: Fence = { producer, appender: undefined! };
    fence.appender = new KafkaAppender({
      ...this.path,
      batcher: new ProduceBatcher(transactional(producer, partition, fence)),
    });
    this.held.set(partition, fence);
  }
}

/** Each request as one transaction; a fenced producer's is PARTITION_MOVING (it was aborted). */
function transactional(producer: Producer, partition: number, fence: Fence): BatchSender {
  return {
    sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
      if (fence.fenced) return Promise.reject(partitionMoving(partition));
      const sending = inTransaction(producer, partition, fence, batch);
      fence.transaction = sending;
      return sending;
    },
  };
}

async function inTransaction(
  producer: Producer,
  partition: number,
  fence: Fence,
  batch: ProducerBatch,
): Promise<RecordMetadata[]> {
  let stage: 'begin' | 'send' | 'abort' | 'commit' = 'begin';
  try {
    const transaction = await producer.transaction();
    stage = 'send';
    try {
      const metadata = await transaction.sendBatch(batch);
      stage = 'commit';
      await transaction.commit();
      return metadata;
    } catch (error) {
      // A failed send is aborted here (a failed abort, like a failed commit, leaves kafkajs
      // unable to begin another transaction on this producer).
      if (stage === 'send') {
        stage = 'abort';
        await transaction.abort();
        stage = 'send';
      }
      throw error;
    }
  } catch (error) {
    if (isFenced(error)) {
      fence.fenced = true;
      throw partitionMoving(partition);
    }
    if (stage !== 'send') fence.spoilt = true;
    throw error;
  }
}

/** PARTITION_MOVING: this replica does not (or no longer) write the partition; nothing was appended. */
export function partitionMoving(partition: number): TwinlogError {
  return new TwinlogError(
    'PARTITION_MOVING',
    `twin-events partition ${partition} is now written by another replica: nothing was appended; send the command again`,
    { partition, retryAfterSeconds: 1 },
  );
}

/** Whether the broker refused the producer's epoch (kafkajs may wrap the protocol error). */
function isFenced(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 3) return false;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'number' && FENCED_CODES.has(code)) return true;
  if (Array.isArray(errors) && errors.some((e) => isFenced(e, depth + 1))) return true;
  return isFenced(cause, depth + 1);
}

function usable(fence: Fence | undefined): fence is Fence {
  return fence !== undefined && !fence.fenced && !fence.spoilt;
}
