import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Kafka, logLevel, type Consumer, type EachBatchPayload } from 'kafkajs';
import type { IncomingReading } from '@twinlog/domain';
import { kafkaClientSecurity } from '@twinlog/event-log';
import type { IngestionConfig } from '../config/ingestion.config';
import { LogUnavailableError } from '@twinlog/service-kit';
import { NotReadyError, ReadingIntake } from '../intake/reading-intake.service';
import { INGESTION_CONFIG } from '../tokens';
import { mapRecord } from './field-mapping';

const RETRY_MS = 1_000;

/**
 * Consumes raw readings from an enterprise pipeline's topic(s) as its own consumer group. Each
 * record (JSON) is mapped to a reading with the configured field mapping; a partition's offset
 * is committed only after its readings were accepted into the log or dead-lettered. While the
 * log is unavailable the batch is retried in place and nothing is committed.
 */
@Injectable()
export class EnterpriseTopicInput {
  private consumer: Consumer | undefined;
  private stopping = false;
  private inFlight: Promise<void> = Promise.resolve();
  private readonly logger = new Logger(EnterpriseTopicInput.name);

  constructor(
    private readonly intake: ReadingIntake,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
  ) {}

  async start(): Promise<void> {
    const settings = this.config.kafkaInput;
    if (!settings) return;
    const kafka = new Kafka({
      clientId: 'twinlog-ingestion-raw',
      brokers: settings.brokers,
      logLevel: logLevel.WARN,
      ...kafkaClientSecurity(settings.security),
    });
    this.consumer = kafka.consumer({ groupId: settings.group, allowAutoTopicCreation: false });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: settings.topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => {
        const handling = this.onBatch(payload);
        this.inFlight = handling.catch(() => undefined);
        return handling;
      },
    });
    this.logger.log(
      `Kafka input: consuming ${settings.topics.join(', ')} as group ${settings.group}`,
    );
  }

  /** Lets the batch in hand finish and commit before leaving the group (see KafkaSubscription). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.inFlight;
    await this.consumer?.disconnect();
  }

  private async onBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (this.stopping || batch.messages.length === 0) return;
    const first = batch.messages[0]!.offset;
    const last = batch.messages[batch.messages.length - 1]!.offset;
    const origin = {
      channel: 'kafka' as const,
      detail: `${batch.topic}/${batch.partition}@${first}-${last}`,
      correlationId: randomUUID(),
    };
    const readings: IncomingReading[] = [];
    const unreadable: Array<{ offset: string; text: string; message: string }> = [];
    for (const message of batch.messages) {
      const text = message.value?.toString('utf8') ?? '';
      try {
        readings.push(mapRecord(JSON.parse(text), this.config.kafkaInput!.mapping));
      } catch (error) {
        unreadable.push({ offset: message.offset, text, message: (error as Error).message });
      }
    }
    for (;;) {
      if (this.stopping || !isRunning() || isStale()) return;
      try {
        await this.intake.accept(readings, origin);
        for (const u of unreadable) {
          await this.intake.rejectUnread(
            {
              code: 'JSON_MALFORMED',
              message: `Record at ${batch.topic}/${batch.partition}@${u.offset} is not valid JSON: ${u.message}`,
            },
            u.text,
            { ...origin, detail: `${batch.topic}/${batch.partition}@${u.offset}` },
          );
        }
        break;
      } catch (error) {
        if (!(error instanceof LogUnavailableError || error instanceof NotReadyError)) throw error;
        this.logger.warn(
          `Kafka input ${origin.detail}: ${error.message}; retrying in ${RETRY_MS} ms`,
        );
        await new Promise((r) => setTimeout(r, RETRY_MS));
        await heartbeat().catch(() => undefined);
      }
    }
    await this.consumer!.commitOffsets([
      { topic: batch.topic, partition: batch.partition, offset: String(Number(last) + 1) },
    ]);
    resolveOffset(last);
  }
}
