import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { isTwinlogError } from '@twinlog/domain';
import type { DeadLetter, RecordedEvent, SubscribeOptions, Subscription } from '../event-log.port';
import { deadLetterReason, deliverBatch } from '../shared/deliver-batch';
import { deadLetterPayload, fromMessage } from './kafka-codec';
import { streamOfTopic, type TopicNames } from './kafka-topics';

/**
 * A consumer-group member. Unlike a stock per-message consumer it hands the handler whole
 * batches, commits a partition's offset only after the handler resolved (at-least-once, effects
 * durable first), sends undecodable messages to the dead-letter topic instead of stalling the
 * partition, and retries a failing handler in place, keeping order.
 */
export class KafkaSubscription implements Subscription {
  private stopping = false;
  /** The batch being handled, so stop() can let it finish and commit first. */
  private readonly inFlight = new Set<Promise<void>>();

  private constructor(
    private readonly consumer: Consumer,
    private readonly options: SubscribeOptions,
    private readonly names: TopicNames,
    private readonly deadLetter: (letter: DeadLetter) => Promise<void>,
  ) {}

  static async start(
    kafka: Kafka,
    names: TopicNames,
    timeouts: { sessionTimeoutMs: number; rebalanceTimeoutMs: number },
    options: SubscribeOptions,
    deadLetter: (l: DeadLetter) => Promise<void>,
  ): Promise<KafkaSubscription> {
    // A broadcast member is alone in a group of its own; as it never commits, Kafka forgets
    // the group once it leaves.
    // Prefixed like the topics: two installations on one cluster (or two test runs) must not
    // share a group, or one's members would hold the other's partitions and never read them.
    const group = `${names.prefix}${options.group}`;
    const groupId = options.broadcast ? `${group}.${randomUUID()}` : group;
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: timeouts.sessionTimeoutMs,
      rebalanceTimeout: timeouts.rebalanceTimeoutMs,
      heartbeatInterval: Math.max(100, Math.floor(timeouts.sessionTimeoutMs / 10)),
    });
    const subscription = new KafkaSubscription(consumer, options, names, deadLetter);
    if (options.onAssignment) {
      const tell = options.onAssignment;
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        for (const stream of options.streams)
          tell(
            [...(payload.memberAssignment[names.stream[stream]] ?? [])].sort((a, b) => a - b),
            stream,
          );
      });
    }
    await consumer.connect();
    await consumer.subscribe({
      topics: options.streams.map((s) => names.stream[s]),
      fromBeginning: options.broadcast ? true : (options.fromBeginning ?? true),
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.concurrentPartitions ?? 1,
      eachBatch: (payload) => {
        const handling = subscription.onBatch(payload);
        const settled = handling.catch(() => undefined);
        subscription.inFlight.add(settled);
        void settled.then(() => subscription.inFlight.delete(settled));
        return handling;
      },
    });
    if (options.broadcast) {
      for (const at of options.startAt ?? []) {
        if (!options.streams.includes(at.stream)) continue;
        consumer.seek({
          topic: names.stream[at.stream],
          partition: at.partition,
          offset: String(at.offset),
        });
      }
    }
    return subscription;
  }

  /**
   * Clean shutdown (what a SIGTERM should lead to): the chunk being handled finishes and its
   * offset is committed, no new chunk starts, then the member leaves the group. The order
   * matters: kafkajs drops commits made once disconnect() has begun, which would make the
   * next owner of the partition redeliver work already done.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.inFlight]);
    await this.consumer.disconnect();
  }

  private async onBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (this.stopping) return;
    const stream = streamOfTopic(this.names, batch.topic);
    const good: RecordedEvent[] = [];
    for (const message of batch.messages) {
      try {
        good.push(fromMessage(stream, batch.partition, message));
      } catch (error) {
        await this.deadLetter({
          at: new Date().toISOString(),
          consumer: this.options.group,
          code: isTwinlogError(error) ? error.code : 'EVENT_INVALID',
          reason: (error as Error).message,
          source: { stream, partition: batch.partition, offset: Number(message.offset) },
          ...deadLetterPayload(message),
        });
      }
    }
    const size = this.options.maxBatchSize ?? 500;
    for (let i = 0; i < good.length; i += size) {
      if (this.stopping) return;
      const chunk = good.slice(i, i + size);
      // Heartbeats go on while the handler works and retries (InfluxDB down for minutes, say):
      // a member silent for a session timeout is dropped from the group, and kafkajs then
      // stops that consumer for good (a non-retriable error), leaving the partitions unread.
      const beating = setInterval(() => void heartbeat().catch(() => undefined), 1_000);
      const delivered = await deliverBatch(chunk, this.options.handler, {
        label: `consumer ${this.options.group}`,
        active: () => !this.stopping && isRunning() && !isStale(),
        heartbeat,
        deadLetter: (record, error) =>
          this.deadLetter({
            at: new Date().toISOString(),
            consumer: this.options.group,
            ...deadLetterReason(error),
            source: record.position,
            payload: JSON.stringify(record.event),
          }),
      }).finally(() => clearInterval(beating));
      if (!delivered) return;
      await this.commit(batch.topic, batch.partition, chunk[chunk.length - 1]!.position.offset + 1);
      resolveOffset(String(chunk[chunk.length - 1]!.position.offset));
      await heartbeat();
    }
    // Trailing poison messages were dead-lettered: move past them too.
    const last = batch.messages[batch.messages.length - 1];
    if (last && isRunning() && !isStale()) {
      await this.commit(batch.topic, batch.partition, Number(last.offset) + 1);
      resolveOffset(last.offset);
    }
  }

  private async commit(topic: string, partition: number, nextOffset: number): Promise<void> {
    if (this.options.broadcast) return;
    await this.consumer.commitOffsets([{ topic, partition, offset: String(nextOffset) }]);
  }
}
