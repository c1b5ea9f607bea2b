import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IngestionConfig } from '../config/ingestion.config';
import {
  LogUnavailableError,
  NotReadyError,
  ReadingIntake,
} from '../intake/reading-intake.service';
import { INGESTION_CONFIG } from '../tokens';
import { readMessage, takeBatch, type MqttTopics, type ReadMessage } from './mqtt-batch';
import { MqttSession } from './mqtt-session';
import type { MqttInputStatus } from './mqtt-status';
import { coveringFilters } from './topic-pattern';

const PUBACK_SUCCESS = 0;
/** MQTT 5 "implementation specific error": a message that broke ingestion itself (dead-lettered). */
const PUBACK_FAILED = 131;
/** MQTT 5 "payload format invalid": the message was dead-lettered; resending will not help. */
const PUBACK_PAYLOAD_INVALID = 153;
const RETRY_MS = 1_000;
const WARN_EVERY_MS = 10_000;
/** A batch is one append: at most this many messages (readings are capped by INGESTION_MAX_BATCH). */
const MAX_BATCH_MESSAGES = 5_000;
/** QoS 0 messages are not bounded by the receive maximum: stop reading the socket past this. */
const QOS0_BACKLOG = 20_000;
/** Nor are bytes (10,000 messages of 4 MiB are 40 GiB): stop reading past this many held. */
const HELD_BYTES = 64 * 1024 * 1024;
/** How long stop() waits for the batch in flight; past it (the log unreachable) the broker keeps it. */
const STOP_WAIT_MS = 5_000;

/**
 * Subscribes with QoS 1 on a persistent session and keeps up to the receive maximum of
 * messages in flight. Messages are read as they arrive and appended in batches, one batch at a
 * time and in arrival order (so each twin's readings keep their order), through the same
 * intake and group commit as HTTP. A batch's PUBACKs go out in arrival order, and only after
 * its readings were appended and its refused messages dead-lettered: acknowledged means
 * durable. While the log is unavailable the batch is retried and nothing is acknowledged, so
 * the broker keeps the messages (and stops sending once the receive maximum is reached).
 */
@Injectable()
export class MqttInput {
  private session: MqttSession | undefined;
  private readonly queue: ReadMessage[] = [];
  private topics: MqttTopics | undefined;
  private filters: string[] = [];
  private draining: Promise<void> | undefined;
  private paused = false;
  private inBatch = 0;
  /** Payload bytes read and not yet acknowledged: the queue and the batch in flight. */
  private heldBytes = 0;
  private stopping = false;
  private lastWarning = 0;
  private readonly counts = {
    received: 0,
    acknowledged: 0,
    deadLettered: 0,
    batches: 0,
    readingsAccepted: 0,
    readingsDuplicate: 0,
    readingsRejected: 0,
  };
  private readonly logger = new Logger(MqttInput.name);

  constructor(
    private readonly intake: ReadingIntake,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
  ) {}

  async start(): Promise<void> {
    const settings = this.config.mqtt;
    if (!settings) return;
    this.topics = {
      telemetry: settings.topic,
      property: settings.propertyTopic,
      maxPayloadBytes: this.config.http.maxBodyBytes,
    };
    const patterns = [settings.topic, settings.propertyTopic].flatMap((p) => (p ? [p] : []));
    this.filters = coveringFilters(patterns.map((p) => p.filter)).map((filter) =>
      settings.shareGroup ? `$share/${settings.shareGroup}/${filter}` : filter,
    );
    this.session = new MqttSession({
      url: settings.url,
      clientId: settings.clientId,
      filters: this.filters,
      receiveMaximum: settings.receiveMaximum,
      keepaliveSeconds: settings.keepaliveSeconds,
      sessionExpirySeconds: settings.sessionExpirySeconds,
      onMessage: (message) => {
        this.counts.received++;
        this.heldBytes += message.payload.length;
        this.queue.push(readMessage(message, this.topics!));
        // Every time, not once: after a reconnect the new socket must be paused as well.
        if (
          this.queue.length > settings.receiveMaximum + QOS0_BACKLOG ||
          this.heldBytes > HELD_BYTES
        ) {
          this.paused = true;
          this.session?.pause();
        }
        this.draining ??= this.drain();
      },
      onEvent: (level, text) => this.logger[level](text),
    });
    if (!(await this.session.start())) {
      this.logger.warn(
        `MQTT: not subscribed yet on ${this.session.address}; ingestion runs and keeps trying`,
      );
    }
  }

  /** Finishes the batch in flight (its PUBACKs go out), then leaves; the rest waits in the broker. */
  async stop(): Promise<void> {
    this.stopping = true;
    // An append that hangs (the log unreachable) must not hold the shutdown: its messages are
    // not acknowledged, so the broker delivers them again and de-duplication answers any doubles.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.draining,
      new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS))),
    ]);
    clearTimeout(timer);
    await this.session?.stop();
  }

  status(): MqttInputStatus {
    return {
      enabled: this.config.mqtt !== undefined,
      connected: this.session?.connected ?? false,
      filters: this.filters,
      received: this.counts.received,
      acknowledged: this.counts.acknowledged,
      deadLettered: this.counts.deadLettered,
      inFlight: this.queue.length + this.inBatch,
      batches: this.counts.batches,
      readings: {
        accepted: this.counts.readingsAccepted,
        duplicates: this.counts.readingsDuplicate,
        rejected: this.counts.readingsRejected,
      },
    };
  }

  private async drain(): Promise<void> {
    // Let the messages of this read (and the next few) join the batch.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.queue.length > 0 && !this.stopping) {
        const batch = takeBatch(this.queue, {
          maxMessages: MAX_BATCH_MESSAGES,
          maxReadings: this.config.http.maxBatch,
        });
        this.resumeIfRoom();
        this.inBatch = batch.length;
        if (!(await this.settle(batch))) return;
        this.counts.batches++;
        this.session?.inOneWrite(() => this.acknowledge(batch));
        this.inBatch = 0;
        this.heldBytes -= batch.reduce((sum, m) => sum + m.message.payload.length, 0);
        this.resumeIfRoom();
      }
    } finally {
      this.draining = undefined;
      // Messages that arrived during the last await, after the loop's check.
      if (this.queue.length > 0 && !this.stopping) this.draining = this.drain();
    }
  }

  private resumeIfRoom(): void {
    if (this.paused && this.queue.length < QOS0_BACKLOG / 2 && this.heldBytes < HELD_BYTES / 2) {
      this.paused = false;
      this.session?.resume();
    }
  }

  /** Appends the batch's readings and dead-letters its refused messages; false if stopping first. */
  private async settle(batch: ReadMessage[]): Promise<boolean> {
    for (;;) {
      if (this.stopping) return false;
      try {
        await this.record(batch);
        return true;
      } catch (error) {
        if (error instanceof LogUnavailableError || error instanceof NotReadyError) {
          this.warnThrottled(
            `MQTT: ${batch.length} message(s) not acknowledged yet: ${error.message}; retrying every ${RETRY_MS} ms (the broker keeps them)`,
          );
          await new Promise((r) => setTimeout(r, RETRY_MS));
          continue;
        }
        // Not the log: something in these messages broke ingestion itself. Find which, one by one.
        this.logger.error(`MQTT: a batch failed: ${(error as Error).stack ?? String(error)}`);
        return this.settleOneByOne(batch);
      }
    }
  }

  private async record(batch: ReadMessage[]): Promise<void> {
    const withReadings = batch.flatMap((m) => ('readings' in m ? [m] : []));
    const readings = withReadings.flatMap((m) => m.readings);
    // Each reading's message, for its dead letter's origin.
    const originOfReading = withReadings.flatMap((m) => m.readings.map(() => m.origin));
    const correlationId = randomUUID();
    const [report] = await Promise.all([
      readings.length > 0
        ? this.intake.accept(
            readings,
            { channel: 'mqtt', detail: 'MQTT', correlationId },
            { originOf: (i) => originOfReading[i]! },
          )
        : undefined,
      ...batch.map(async (m) => {
        if (!('refused' in m) || m.lettered) return;
        // Bytes that are not UTF-8 are kept as they came, in base64, not as replacement characters.
        const { payload } = m.message;
        const text = isUtf8(payload);
        await this.intake.rejectUnread(
          m.refused,
          payload.toString(text ? 'utf8' : 'base64'),
          { channel: 'mqtt', detail: m.origin, correlationId },
          text ? undefined : 'base64',
        );
        m.lettered = true;
      }),
    ]);
    if (report) {
      this.counts.readingsAccepted += report.accepted;
      this.counts.readingsDuplicate += report.duplicates;
      this.counts.readingsRejected += report.rejected;
    }
  }

  private async settleOneByOne(batch: ReadMessage[]): Promise<boolean> {
    for (const item of batch) {
      if (this.stopping) return false;
      try {
        await this.record([item]);
      } catch (error) {
        if (error instanceof LogUnavailableError || error instanceof NotReadyError) {
          return this.settle(batch);
        }
        const failed: ReadMessage = {
          message: item.message,
          origin: item.origin,
          refused: {
            code: 'INGESTION_FAILED',
            message: `Ingestion could not take this message: ${(error as Error).message}`,
          },
        };
        if (!(await this.settle([failed]))) return false;
        batch[batch.indexOf(item)] = failed;
      }
    }
    return true;
  }

  private acknowledge(batch: ReadMessage[]): void {
    for (const item of batch) {
      const refused = 'refused' in item;
      if (refused) this.counts.deadLettered++;
      if (item.message.qos === 0) continue;
      const sent = item.message.ack(
        !refused
          ? PUBACK_SUCCESS
          : item.refused.code === 'INGESTION_FAILED'
            ? PUBACK_FAILED
            : PUBACK_PAYLOAD_INVALID,
      );
      // Not sent when the connection it came by is gone: the broker redelivers it.
      if (sent) this.counts.acknowledged++;
    }
  }

  private warnThrottled(text: string): void {
    if (Date.now() - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = Date.now();
    this.logger.warn(text);
  }
}
