import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { SimReading } from '@twinlog/plant-sim';
import { describeNetworkError, TransientError } from './backoff';
import type { BatchOutcome, ReadingSender } from './reading-sender';

/** MQTT 5 "payload format invalid": ingestion dead-lettered the message; resending will not help. */
const PAYLOAD_INVALID = 153;

export interface MqttSenderOptions {
  url: string;
  username?: string;
  password?: string;
  /** Ingestion's topic pattern, with `{twinId}` and optionally `{site}` levels. */
  topic: string;
  site: string;
  clientId: string;
  /** Called when the broker connection breaks or comes back (null). */
  onTrouble(message: string | null): void;
}

/**
 * Publishes each twin's readings of a batch as one QoS 1 message on the twin's topic. The
 * PUBACK comes after ingestion appended (or dead-lettered) the readings, so an acknowledged
 * message is safe. While the broker is away, mqtt.js keeps QoS 1 messages in its outgoing store
 * and sends them on reconnect: nothing is dropped, the batch just waits.
 */
export class MqttSender implements ReadingSender {
  readonly name: string;
  private readonly client: MqttClient;
  private troubled = false;

  constructor(private readonly options: MqttSenderOptions) {
    // The URL's login apart: never in the name (it is printed), and decoded as the broker expects.
    const url = new URL(options.url);
    const username = options.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
    const password = options.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
    url.username = '';
    url.password = '';
    this.name = `MQTT broker at ${url.host}`;
    const settings: IClientOptions = {
      ...(username !== undefined ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
      clientId: options.clientId,
      protocolVersion: 5,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
    };
    this.client = connect(url.toString(), settings);
    this.client.on('connect', () => {
      if (this.troubled) options.onTrouble(null);
      this.troubled = false;
    });
    this.client.on('error', (error) => this.trouble(describeNetworkError(error)));
    this.client.on('offline', () => this.trouble('connection lost, reconnecting'));
  }

  async send(batch: SimReading[]): Promise<BatchOutcome> {
    const byTwin = new Map<string, SimReading[]>();
    for (const r of batch) byTwin.set(r.twinId, [...(byTwin.get(r.twinId) ?? []), r]);
    const outcome: BatchOutcome = { accepted: 0, duplicates: 0, rejected: [] };
    await Promise.all(
      [...byTwin].map(async ([twinId, readings]) => {
        try {
          await this.client.publishAsync(this.topicOf(twinId), JSON.stringify(readings), {
            qos: 1,
          });
          outcome.accepted += readings.length;
        } catch (error) {
          const reasonCode = (error as { code?: unknown }).code;
          if (typeof reasonCode !== 'number') {
            throw new TransientError(`${this.name}: ${describeNetworkError(error)}`);
          }
          const code = reasonCode === PAYLOAD_INVALID ? 'PAYLOAD_INVALID' : `MQTT_${reasonCode}`;
          for (const reading of readings)
            outcome.rejected.push({ reading, code, message: (error as Error).message });
        }
      }),
    );
    return outcome;
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }

  private topicOf(twinId: string): string {
    return this.options.topic.replace('{site}', this.options.site).replace('{twinId}', twinId);
  }

  private trouble(message: string): void {
    this.troubled = true;
    this.options.onTrouble(`${this.name}: ${message}`);
  }
}
