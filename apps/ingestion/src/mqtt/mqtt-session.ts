import type { Packet } from 'mqtt-packet';
import { brokerAddress, type BrokerAddress } from './broker-address';
import { CONNECT_TIMEOUT_MS, MqttConnection } from './mqtt-connection';
import type { MqttSessionOptions } from './mqtt-session-options';
import { SubscriberPackets } from './mqtt-subscriber-packets';

const RECONNECT_MS = [500, 1_000, 2_000, 5_000, 10_000];

/**
 * An MQTT 5 subscriber session over mqtt-packet (MQTT.js's own codec). MQTT.js hands one
 * message at a time to its acknowledgement hook and reads no further until it is acknowledged,
 * which caps a subscriber that acknowledges only durable messages at one log round trip per
 * message. This session reads every message the broker sends, up to the receive maximum, and
 * leaves each PUBACK to the caller. A PUBACK is sent only on the connection its message came
 * by: after a reconnect the broker redelivers what was not acknowledged, and a packet id of
 * the old connection means nothing on the new one.
 *
 * This class keeps the session across connections (reconnect with backoff, a clean stop);
 * MqttConnection is one connection with its keepalive, SubscriberPackets what each packet does.
 */
export class MqttSession {
  private current: MqttConnection | undefined;
  private connectedNow = false;
  private stopped = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly target: BrokerAddress;
  private readonly packets: SubscriberPackets;
  private subscribed: { resolve(): void } | undefined;

  constructor(private readonly options: MqttSessionOptions) {
    this.target = brokerAddress(options.url);
    this.packets = new SubscriberPackets(options, this.target.display, {
      subscribed: () => {
        this.connectedNow = true;
        this.attempt = 0;
        this.subscribed?.resolve();
      },
      isCurrent: (connection) => connection === this.current,
    });
  }

  get connected(): boolean {
    return this.connectedNow;
  }

  /** Where the broker is, without credentials (for logs and status). */
  get address(): string {
    return this.target.display;
  }

  /** Connects and subscribes; resolves once subscribed, or after `waitMs` while it keeps trying. */
  async start(waitMs = CONNECT_TIMEOUT_MS): Promise<boolean> {
    const ready = new Promise<void>((resolve) => (this.subscribed = { resolve }));
    this.open();
    let timer: NodeJS.Timeout | undefined;
    const subscribed = await Promise.race([
      ready.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs))),
    ]);
    clearTimeout(timer);
    return subscribed;
  }

  /** Pauses reading from the broker (the caller's queue is full); the socket buffers and TCP pushes back. */
  pause(): void {
    this.current?.pause();
  }

  resume(): void {
    this.current?.resume();
  }

  /** Runs `send` with the socket corked: a batch's PUBACKs leave in one write, not one each. */
  inOneWrite(send: () => void): void {
    if (this.current) this.current.inOneWrite(send);
    else send();
  }

  /** A clean DISCONNECT that keeps the session: unacknowledged messages wait for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.current?.stopTimers();
    await this.current?.end();
  }

  private open(): void {
    if (this.stopped) return;
    const connection: MqttConnection = new MqttConnection(this.target, this.options, {
      onPacket: (packet: Packet) => {
        if (connection === this.current) this.packets.handle(packet, connection);
      },
      onClose: () => this.onClose(connection),
      stopped: () => this.stopped,
    });
    this.current = connection;
  }

  private onClose(connection: MqttConnection): void {
    if (connection !== this.current) return;
    const was = this.connectedNow;
    this.connectedNow = false;
    if (this.stopped) return;
    const delay = RECONNECT_MS[Math.min(this.attempt++, RECONNECT_MS.length - 1)]!;
    this.options.onEvent(
      was ? 'warn' : 'log',
      `MQTT: ${was ? 'lost the connection to' : 'could not connect to'} ${this.address}; retrying in ${delay} ms (unacknowledged messages stay with the broker)`,
    );
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }
}
