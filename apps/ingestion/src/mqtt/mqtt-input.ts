import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { connectAsync, type IPublishPacket, type MqttClient } from 'mqtt';
import type { IngestionConfig } from '../config/ingestion.config';
import {
  LogUnavailableError,
  NotReadyError,
  ReadingIntake,
} from '../intake/reading-intake.service';
import { INGESTION_CONFIG } from '../tokens';
import { parseMqttPayload } from './mqtt-payload';
import type { MqttInputStatus } from './mqtt-status';

const PUBACK_SUCCESS = 0;
/** MQTT 5 "payload format invalid": the message was dead-lettered; resending will not help. */
const PUBACK_PAYLOAD_INVALID = 153;
const RETRY_MS = 1_000;

/**
 * Subscribes to the configured topic pattern with QoS 1 on a persistent session and sends each
 * PUBACK only after the message's readings were accepted (appended to the log) or rejected
 * (dead-lettered). While the log is unavailable the message is retried and not acknowledged,
 * so the broker keeps it (and the ones behind it) until Twinlog can take them.
 */
@Injectable()
export class MqttInput {
  private client: MqttClient | undefined;
  private stopping = false;
  private readonly logger = new Logger(MqttInput.name);

  constructor(
    private readonly intake: ReadingIntake,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
  ) {}

  async start(): Promise<void> {
    const settings = this.config.mqtt;
    if (!settings) return;
    this.client = await connectAsync(settings.url, {
      clientId: settings.clientId,
      protocolVersion: 5,
      clean: false,
      // Keep the session (and unacknowledged messages) for an hour across restarts.
      properties: { sessionExpiryInterval: 3600 },
      reconnectPeriod: 1_000,
      customHandleAcks: (topic, payload, packet, done) => {
        void this.handle(topic, payload, packet).then(
          (code) => code !== undefined && done(code),
          (error: unknown) =>
            this.logger.error(`MQTT message on ${topic} failed: ${(error as Error).stack}`),
        );
      },
    });
    // QoS 0 messages bypass customHandleAcks: the publisher chose at-most-once, take them as they come.
    this.client.on('message', (topic, payload, packet) => {
      if (packet.qos === 0) void this.handle(topic, payload, packet).catch(() => undefined);
    });
    const filter = settings.shareGroup
      ? `$share/${settings.shareGroup}/${settings.topic.filter}`
      : settings.topic.filter;
    await this.client.subscribeAsync(filter, { qos: 1 });
    this.logger.log(`MQTT: subscribed to ${filter} on ${settings.url}`);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.client?.endAsync();
  }

  /** The PUBACK reason code, or undefined to leave the message unacknowledged (stopping). */
  private async handle(
    topic: string,
    payload: Buffer,
    packet: IPublishPacket,
  ): Promise<number | undefined> {
    const levels = this.config.mqtt!.topic.match(topic);
    const origin = {
      channel: 'mqtt' as const,
      detail: `MQTT ${topic}`,
      correlationId: randomUUID(),
    };
    for (;;) {
      if (this.stopping) return undefined;
      try {
        if (!levels?.['twinId']) {
          await this.intake.rejectUnread(
            {
              code: 'TOPIC_UNMATCHED',
              message: `Topic ${topic} does not match ${this.config.mqtt!.topic.source}`,
            },
            payload.toString('utf8'),
            origin,
          );
          return PUBACK_PAYLOAD_INVALID;
        }
        const parsed = parseMqttPayload(payload, levels['twinId']);
        if (!parsed.ok) {
          await this.intake.rejectUnread(parsed, payload.toString('utf8'), origin);
          return PUBACK_PAYLOAD_INVALID;
        }
        await this.intake.accept(parsed.readings, origin);
        return PUBACK_SUCCESS;
      } catch (error) {
        if (!(error instanceof LogUnavailableError || error instanceof NotReadyError)) throw error;
        if (packet.qos === 0) return undefined;
        this.logger.warn(
          `MQTT message on ${topic} not acknowledged yet: ${error.message}; retrying in ${RETRY_MS} ms`,
        );
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  /** A stand-in until the windowed input reports its counters (issue 16). */
  status(): MqttInputStatus {
    const settings = this.config.mqtt;
    const filters = settings
      ? [
          settings.shareGroup
            ? `$share/${settings.shareGroup}/${settings.topic.filter}`
            : settings.topic.filter,
        ]
      : [];
    return {
      enabled: settings !== undefined,
      connected: this.client?.connected ?? false,
      filters,
      received: 0,
      acknowledged: 0,
      deadLettered: 0,
      inFlight: 0,
      batches: 0,
    };
  }
}
