import { Inject, Injectable, Logger } from '@nestjs/common';
import { connect, type MqttClient } from 'mqtt';
import type { IngestionConfig } from '../config/ingestion.config';
import { INGESTION_CONFIG } from '../tokens';
import { BrokerDropTally, DROPS_DOC, dropWarning } from './broker-drop-tally';
import { brokerAddress } from './broker-address';
import { withoutSecrets } from './without-secrets';

/** mosquitto's count of messages it dropped since it started (published retained, every sys_interval). */
export const DROPPED_TOPIC = '$SYS/broker/publish/messages/dropped';
const STORED_COUNT_TOPIC = '$SYS/broker/store/messages/count';
const STORED_BYTES_TOPIC = '$SYS/broker/store/messages/bytes';
/** A storm of drops is one warning per this interval (the first at once). */
const REPORT_EVERY_MS = 30_000;
/** mosquitto publishes $SYS every 10 s by default: a broker silent this long has none for us. */
const SILENT_AFTER_MS = 60_000;
const RECONNECT_MS = 5_000;

export type BrokerWatchState = 'watching' | 'unknown' | 'off';

export interface BrokerDropStatus {
  state: BrokerWatchState;
  /** Why the state is unknown or off. */
  reason?: string;
  source: string;
  droppedTotal: number | null;
  droppedSinceStart: number;
  lastDropAt: string | null;
  lastReadAt: string | null;
  /** Messages (and their payload bytes) the broker holds: queued for clients, and retained. */
  stored: { messages: number | null; bytes: number | null };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Watches the MQTT broker's own drop counter on a connection of its own (clean session, QoS 0):
 * a broker acknowledges a publisher's message and then drops it when a subscriber's queue is
 * full, and no one else would tell. Logs a warning when the counter moves and keeps the counts
 * for GET /v1/ingestion/mqtt. A broker without $SYS (or with it off, or hidden by an ACL)
 * leaves the state "unknown"; ingestion runs on regardless.
 */
@Injectable()
export class BrokerDropWatcher {
  private readonly logger = new Logger(BrokerDropWatcher.name);
  private readonly tally = new BrokerDropTally(REPORT_EVERY_MS);
  private client: MqttClient | undefined;
  private connected = false;
  private reason: string | undefined;
  private stored: BrokerDropStatus['stored'] = { messages: null, bytes: null };
  private silenceTimer: NodeJS.Timeout | undefined;
  private reportTimer: NodeJS.Timeout | undefined;
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
    clearTimeout(this.reportTimer);
    const client = this.client;
    this.client = undefined;
    await client?.endAsync(true);
  }

  status(): BrokerDropStatus {
    const counts = this.tally.counts();
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
    const s = this.status();
    const out: string[] = [];
    if (s.droppedSinceStart > 0)
      out.push(
        `The MQTT broker dropped ${s.droppedSinceStart.toLocaleString('en-US')} messages since this ingestion instance started, the last at ${s.lastDropAt}: a subscriber's queue was full (max_queued_messages / max_queued_bytes) or a client too slow; see ${DROPS_DOC}.`,
      );
    const before = (s.droppedTotal ?? 0) - s.droppedSinceStart;
    if (before > 0)
      out.push(
        `The MQTT broker reports ${before.toLocaleString('en-US')} messages dropped before this ingestion instance watched (since the broker started).`,
      );
    if (s.state === 'unknown')
      out.push(`Messages the MQTT broker drops cannot be seen: ${s.reason}.`);
    return out;
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
    if (this.tally.counts().lastReadAt !== null || !this.connected) return;
    this.reason = `the broker published no ${DROPPED_TOPIC} within ${SILENT_AFTER_MS / 1000} s (not mosquitto, sys_interval 0, or an ACL)`;
    this.logger.warn(`MQTT broker drops are not watched: ${this.reason}; see ${DROPS_DOC}`);
  }

  private onMessage(topic: string, text: string): void {
    const value = /^\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : undefined;
    if (value === undefined) return;
    if (topic === STORED_COUNT_TOPIC) this.stored.messages = value;
    else if (topic === STORED_BYTES_TOPIC) this.stored.bytes = value;
    else if (topic === DROPPED_TOPIC) this.onDropped(value);
  }

  private onDropped(total: number): void {
    const first = this.tally.counts().droppedTotal === null;
    this.log(this.tally.observe(total, Date.now()));
    if (first && total > 0)
      this.logger.warn(
        `MQTT broker reports ${total.toLocaleString('en-US')} messages dropped since it started, before this ingestion instance watched; see ${DROPS_DOC}`,
      );
    this.scheduleHeldBack();
  }

  /** Drops held back by the report interval are logged when it ends. */
  private scheduleHeldBack(): void {
    const at = this.tally.nextReportAt();
    if (at === undefined || this.reportTimer) return;
    this.reportTimer = setTimeout(
      () => {
        this.reportTimer = undefined;
        this.log(this.tally.due(Date.now()));
        this.scheduleHeldBack();
      },
      Math.max(0, at - Date.now()),
    );
    this.reportTimer.unref();
  }

  private log(report: ReturnType<BrokerDropTally['due']>): void {
    if (report) this.logger.warn(dropWarning(report));
  }

  private safe(text: string): string {
    return withoutSecrets(text, this.url);
  }
}
