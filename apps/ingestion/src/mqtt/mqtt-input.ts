import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IngestionConfig } from '../config/ingestion.config';
import { ReadingIntake } from '../intake/reading-intake.service';
import { INGESTION_CONFIG } from '../tokens';
import { acknowledgeInOrder, emptyCounts } from './mqtt-acknowledgement';
import { MqttBacklog } from './mqtt-backlog';
import { readMessage, type MqttTopics } from './mqtt-batch';
import type { Batch } from './mqtt-batch-append';
import { MqttBatchRetry } from './mqtt-batch-retry';
import { MqttSession } from './mqtt-session';
import type { MqttInputStatus } from './mqtt-status';
import { coveringFilters } from './topic-pattern';

/** A batch is one append: at most this many messages (readings are capped by INGESTION_MAX_BATCH). */
const MAX_BATCH_MESSAGES = 5_000;
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
 *
 * The parts: MqttBacklog (what is held, and pausing the socket), MqttBatchRetry (recording a
 * batch, retried), acknowledgeInOrder (the PUBACKs); this class runs the pipeline between them.
 */
@Injectable()
export class MqttInput {
  private session: MqttSession | undefined;
  private readonly backlog: MqttBacklog;
  private readonly retry: MqttBatchRetry;
  private topics: MqttTopics | undefined;
  private filters: string[] = [];
  private draining: Promise<void> | undefined;
  private stopping = false;
  private readonly counts = emptyCounts();
  private readonly logger = new Logger(MqttInput.name);

  constructor(
    intake: ReadingIntake,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
  ) {
    this.backlog = new MqttBacklog(config.mqtt?.receiveMaximum ?? 0, {
      pause: () => this.session?.pause(),
      resume: () => this.session?.resume(),
    });
    this.retry = new MqttBatchRetry(intake, this.counts, this.logger, () => this.stopping);
  }

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
      ...(settings.tls ? { tls: settings.tls } : {}),
      clientId: settings.clientId,
      filters: this.filters,
      receiveMaximum: settings.receiveMaximum,
      keepaliveSeconds: settings.keepaliveSeconds,
      sessionExpirySeconds: settings.sessionExpirySeconds,
      onMessage: (message) => {
        this.counts.received++;
        this.backlog.push(readMessage(message, this.topics!));
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
        const settled = this.retry.settle(batch);
        // Judge the next batch while this one is appended: the CPU's share of a batch overlaps
        // the log's round trip. Its append still waits for this one's (order), and a retry of
        // this one does not disturb it: the reading ids it claimed are its own.
        await new Promise((resolve) => setImmediate(resolve));
        if (!this.stopping) {
          ahead = this.take();
          if (ahead) this.retry.prepareAhead(ahead);
        }
        if (!(await settled)) return;
        this.counts.batches++;
        this.session?.inOneWrite(() => acknowledgeInOrder(batch.items, this.counts));
        this.backlog.settled(batch.items);
      }
    } finally {
      // Leaving early (stopping): the batch judged ahead is not appended, nor acknowledged.
      ahead?.prepared?.release();
      this.draining = undefined;
      // Messages that arrived during the last await, after the loop's check.
      if (this.backlog.length > 0 && !this.stopping) this.draining = this.drain();
    }
  }

  private take(): Batch | undefined {
    const items = this.backlog.take({
      maxMessages: MAX_BATCH_MESSAGES,
      maxReadings: this.config.http.maxBatch,
    });
    return items && { items };
  }
}
