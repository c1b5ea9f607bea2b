import { Inject, Injectable, Logger } from '@nestjs/common';
import { connect, type MqttClient } from 'mqtt';
import type { IngestionConfig } from '../config/ingestion.config';
import { INGESTION_CONFIG } from '../tokens';
import { DROPS_DOC } from './broker-drop-tally';
import { BrokerDropReporter } from './broker-drop-reporter';
import {
  brokerDropWarnings,
  DROPPED_TOPIC,
  type BrokerDropStatus,
  type BrokerWatchState,
} from './broker-drop-status';
import { brokerAddress } from './broker-address';
import { withoutSecrets } from './without-secrets';

const STORED_COUNT_TOPIC = '$SYS/broker/store/messages/count';
const STORED_BYTES_TOPIC = '$SYS/broker/store/messages/bytes';
/** mosquitto publishes $SYS every 10 s by default: a broker silent this long has none for us. */
const SILENT_AFTER_MS = 60_000;
const RECONNECT_MS = 5_000;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Watches the MQTT broker's own drop counter on a connection of its own (clean session, QoS 0):
 * a broker acknowledges a publisher's message and then drops it when a subscriber's queue is
 * full, and no one else would tell. Logs a warning when the counter moves (BrokerDropReporter)
 * and keeps the counts for GET /v1/ingestion/mqtt. A broker without $SYS (or with it off, or
 * hidden by an ACL) leaves the state "unknown"; ingestion runs on regardless.
 */
@Injectable()
export class BrokerDropWatcher {
  private readonly logger = new Logger(BrokerDropWatcher.name);
  private readonly reporter = new BrokerDropReporter(this.logger);
  private client: MqttClient | undefined;
  private connected = false;
  private reason: string | undefined;
  private stored: BrokerDropStatus['stored'] = { messages: null, bytes: null };
  private silenceTimer: NodeJS.Timeout | undefined;
  private readonly url: string;

  constructor(@Inject(INGESTION_CONFIG) private readonly config: IngestionConfig) {
    this.url = config.mqtt?.url ?? '';
  }

  private get enabled(): boolean {
    return this.config.mqtt?.brokerStats === true;
  }

  /** Connects in the background: start-up never waits for the broker's statistics. */
  start(): void {
    const mqtt = this.config.mqtt;
    if (!mqtt || !this.enabled || this.client) return;
    this.reason = 'not connected to the broker yet';
    // Credentials apart from the URL, decoded as the input's session sends them: MQTT.js, given
    // them in the URL, splits a decoded password at its first ':' and the broker refuses it.
    const { display, username, password } = brokerAddress(mqtt.url);
    const client = connect(display, {
      ...mqtt.tls,
      ...(username !== undefined ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
      clientId: `${mqtt.clientId}-broker-stats`,
      clean: true,
      resubscribe: false,
      reconnectPeriod: RECONNECT_MS,
      connectTimeout: 10_000,
    });
    this.client = client;
    client.on('connect', () => this.onConnect(client));
    client.on('close', () => this.onClose());
    client.on('error', (error) => {
      this.reason = `the broker connection failed: ${this.safe(error.message)}`;
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload.toString('utf8')));
  }

  async stop(): Promise<void> {
    clearTimeout(this.silenceTimer);
    this.reporter.stop();
    const client = this.client;
    this.client = undefined;
    await client?.endAsync(true);
  }

  status(): BrokerDropStatus {
    const counts = this.reporter.counts();
    const state: BrokerWatchState = !this.enabled
      ? 'off'
      : this.connected && counts.droppedTotal !== null
        ? 'watching'
        : 'unknown';
    const reason = !this.config.mqtt
      ? 'MQTT_URL is not set'
      : !this.enabled
        ? 'INGESTION_MQTT_BROKER_STATS is off'
        : state === 'unknown'
          ? (this.reason ?? `no ${DROPPED_TOPIC} from the broker yet`)
          : undefined;
    return {
      state,
      ...(reason ? { reason } : {}),
      source: DROPPED_TOPIC,
      droppedTotal: counts.droppedTotal,
      droppedSinceStart: counts.droppedSinceStart,
      lastDropAt: iso(counts.lastDropAt),
      lastReadAt: iso(counts.lastReadAt),
      stored: { ...this.stored },
    };
  }

  /** Plain sentences for an operator: drops seen, or why drops cannot be seen. */
  warnings(): string[] {
    return brokerDropWarnings(this.status());
  }

  private onConnect(client: MqttClient): void {
    this.connected = true;
    this.reason = `no ${DROPPED_TOPIC} from the broker yet`;
    client.subscribe(
      [DROPPED_TOPIC, STORED_COUNT_TOPIC, STORED_BYTES_TOPIC],
      { qos: 0 },
      (error, granted) => {
        if (error) this.reason = `the broker refused the subscription: ${this.safe(error.message)}`;
        else if (granted?.some((g) => g.topic === DROPPED_TOPIC && g.qos === 128))
          this.reason = `the broker refused a subscription to ${DROPPED_TOPIC} (an ACL?)`;
      },
    );
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => this.onSilence(), SILENT_AFTER_MS);
    this.silenceTimer.unref();
  }

  private onClose(): void {
    if (this.connected) this.reason = 'the connection to the broker was lost; reconnecting';
    this.connected = false;
  }

  private onSilence(): void {
    if (this.reporter.counts().lastReadAt !== null || !this.connected) return;
    this.reason = `the broker published no ${DROPPED_TOPIC} within ${SILENT_AFTER_MS / 1000} s (not mosquitto, sys_interval 0, or an ACL)`;
    this.logger.warn(`MQTT broker drops are not watched: ${this.reason}; see ${DROPS_DOC}`);
  }

  private onMessage(topic: string, text: string): void {
    const value = /^\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : undefined;
    if (value === undefined) return;
    if (topic === STORED_COUNT_TOPIC) this.stored.messages = value;
    else if (topic === STORED_BYTES_TOPIC) this.stored.bytes = value;
    else if (topic === DROPPED_TOPIC) this.reporter.observe(value);
  }

  private safe(text: string): string {
    return withoutSecrets(text, this.url);
  }
}
