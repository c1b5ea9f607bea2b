import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingReading } from '@twinlog/domain';
import type { IngestionConfig } from '../config/ingestion.config';
import { LogUnavailableError } from '@twinlog/service-kit';
import { NotReadyError, ReadingIntake } from '../intake/reading-intake.service';
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

/** Messages appended together, and their readings judged ahead of the append. */
interface Batch {
  items: ReadMessage[];
  prepared?: PreparedBatch;
}

interface PreparedBatch {
  commit(): Promise<void>;
  /** Gives back the reading ids claimed by a batch that will not be committed now. */
  release(): void;
}

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
  /** Payload bytes read and not yet acknowledged: the queue and the batches in hand. */
  private heldBytes = 0;
  private stopping = false;
  private lastWarning = 0;
  private readonly counts = {
    received: 0,
    /** Recorded (appended or dead-lettered) and, for QoS 1, acknowledged or due again. */
    settled: 0,
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
      inFlight: this.counts.received - this.counts.settled,
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
    let ahead: Batch | undefined;
    try {
      while (!this.stopping) {
        const batch = ahead ?? this.take();
        ahead = undefined;
        if (!batch) break;
        const settled = this.settle(batch);
        // Judge the next batch while this one is appended: the CPU's share of a batch overlaps
        // the log's round trip. Its append still waits for this one's (order), and a retry of
        // this one does not disturb it: the reading ids it claimed are its own.
        await new Promise((resolve) => setImmediate(resolve));
        if (!this.stopping) {
          ahead = this.take();
          if (ahead) this.prepareAhead(ahead);
        }
        if (!(await settled)) return;
        this.counts.batches++;
        this.session?.inOneWrite(() => this.acknowledge(batch.items));
        this.heldBytes -= batch.items.reduce((sum, m) => sum + m.message.payload.length, 0);
        this.resumeIfRoom();
      }
    } finally {
      // Leaving early (stopping): the batch judged ahead is not appended, nor acknowledged.
      ahead?.prepared?.release();
      this.draining = undefined;
      // Messages that arrived during the last await, after the loop's check.
      if (this.queue.length > 0 && !this.stopping) this.draining = this.drain();
    }
  }

  private take(): Batch | undefined {
    if (this.queue.length === 0) return undefined;
    const items = takeBatch(this.queue, {
      maxMessages: MAX_BATCH_MESSAGES,
      maxReadings: this.config.http.maxBatch,
    });
    this.resumeIfRoom();
    return { items };
  }

  private resumeIfRoom(): void {
    if (this.paused && this.queue.length < QOS0_BACKLOG / 2 && this.heldBytes < HELD_BYTES / 2) {
      this.paused = false;
      this.session?.resume();
    }
  }

  private prepareAhead(batch: Batch): void {
    try {
      batch.prepared = this.prepare(batch.items);
    } catch {
      // Not ready yet, or a defect: settle prepares it again and deals with the error.
    }
  }

  /** Appends the batch's readings and dead-letters its refused messages; false if stopping first. */
  private async settle(batch: Batch): Promise<boolean> {
    for (;;) {
      if (this.stopping) {
        batch.prepared?.release();
        batch.prepared = undefined;
        return false;
      }
      try {
        batch.prepared ??= this.prepare(batch.items);
        await batch.prepared.commit();
        return true;
      } catch (error) {
        // A failed commit gave its claims back; a failed prepare claimed nothing.
        batch.prepared = undefined;
        if (error instanceof LogUnavailableError || error instanceof NotReadyError) {
          this.warnThrottled(
            `MQTT: ${batch.items.length} message(s) not acknowledged yet: ${error.message}; retrying every ${RETRY_MS} ms (the broker keeps them)`,
          );
          await new Promise((r) => setTimeout(r, RETRY_MS));
          continue;
        }
        // Not the log: something in these messages broke ingestion itself. Find which, one by one.
        this.logger.error(`MQTT: a batch failed: ${(error as Error).stack ?? String(error)}`);
        return this.settleOneByOne(batch.items);
      }
    }
  }

  /** Judges the batch's readings now (see ReadingIntake.prepare); `commit` appends them. */
  private prepare(items: ReadMessage[]): PreparedBatch {
    const readings: IncomingReading[] = [];
    // Each reading's message, for its dead letter's origin.
    const originOfReading: string[] = [];
    for (const m of items) {
      if (!('readings' in m)) continue;
      for (const reading of m.readings) {
        readings.push(reading);
        originOfReading.push(m.origin);
      }
    }
    const correlationId = randomUUID();
    const prepared =
      readings.length > 0
        ? this.intake.prepare(
            readings,
            { channel: 'mqtt', detail: 'MQTT', correlationId },
            { originOf: (i) => originOfReading[i]! },
          )
        : undefined;
    return {
      commit: async () => {
        const [report] = await Promise.all([
          prepared?.commit(),
          ...items.map(async (m) => {
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
      },
      release: () => prepared?.release(),
    };
  }

  private async settleOneByOne(items: ReadMessage[]): Promise<boolean> {
    for (const item of items) {
      if (this.stopping) return false;
      try {
        await this.prepare([item]).commit();
      } catch (error) {
        if (error instanceof LogUnavailableError || error instanceof NotReadyError) {
          return this.settle({ items });
        }
        const failed: ReadMessage = {
          message: item.message,
          origin: item.origin,
          refused: {
            code: 'INGESTION_FAILED',
            message: `Ingestion could not take this message: ${(error as Error).message}`,
          },
        };
        if (!(await this.settle({ items: [failed] }))) return false;
        items[items.indexOf(item)] = failed;
      }
    }
    return true;
  }

  private acknowledge(batch: ReadMessage[]): void {
    for (const item of batch) {
      this.counts.settled++;
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
