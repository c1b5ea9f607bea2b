import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { ArrivalCount } from './arrival-count';

export interface TelemetryArrivals {
  /** Epoch ms of the latest reading to land (its event's record time), 0 before any. */
  lastLandedAt(): number;
  /** Epoch ms of the earliest reading to land, 0 before any. */
  firstLandedAt(): number;
  stop(): Promise<void>;
}

/**
 * Reads the telemetry stream from its start and records every reading id it holds, keyed by
 * the Kafka producer that wrote it (one per ingestion instance), so duplicates, losses and each
 * instance's share show. JSON telemetry only (the services' default encoding).
 */
export async function countTelemetryArrivals(
  brokers: string[],
  topic: string,
  count: ArrivalCount,
): Promise<TelemetryArrivals> {
  const consumer: Consumer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).consumer({
    groupId: `bench-mqtt-${randomUUID()}`,
    maxBytesPerPartition: 8 * 1024 * 1024,
  });
  let landed = 0;
  let first = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const joined = new Promise<void>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
  );
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        if (!message.value) continue;
        const event = JSON.parse(message.value.toString('utf8')) as {
          type: string;
          data: { readings?: Array<{ readingId?: unknown }> };
        };
        if (event.type !== 'TelemetryReported') continue;
        // A record batch carries the id of the (idempotent) producer that wrote it.
        const source = String(
          (message as unknown as { batchContext?: { producerId?: unknown } }).batchContext
            ?.producerId ?? '?',
        );
        for (const reading of event.data.readings ?? []) count.record(reading.readingId, source);
        landed = Math.max(landed, Number(message.timestamp));
        first = first ? Math.min(first, Number(message.timestamp)) : Number(message.timestamp);
      }
    },
  });
  await joined;
  return {
    lastLandedAt: () => landed,
    firstLandedAt: () => first,
    stop: () => consumer.disconnect(),
  };
}
