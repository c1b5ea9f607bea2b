import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { generate, parser as packetParser, type IPublishPacket, type Packet } from 'mqtt-packet';
import { brokerAddress, isIp, type BrokerAddress } from './broker-address';
import { connackReason, pubackBytes } from './mqtt-packets';

/** A message the broker delivered; `ack` sends its PUBACK (QoS 1) on the connection it came by. */
export interface InboundMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  /** When it was read off the socket (ISO 8601). */
  receivedAt: string;
  /** Whether the PUBACK went out (not for QoS 0, nor on a connection that has since closed). */
  ack(reasonCode: number): boolean;
}

export interface MqttSessionOptions {
  /** mqtt://, mqtts://, tcp:// or ssl://, with credentials in the URL if the broker wants them. */
  url: string;
  clientId: string;
  filters: string[];
  /** How many QoS 1 messages the broker may send before the first is acknowledged (MQTT 5). */
  receiveMaximum: number;
  keepaliveSeconds: number;
  /** How long the broker keeps the session (and queues for it) while we are away. */
  sessionExpirySeconds: number;
  onMessage(message: InboundMessage): void;
  /** Plain sentences for the log: connected, lost, refused. Never the URL's credentials. */
  onEvent(level: 'log' | 'warn' | 'error', text: string): void;
}

const PROTOCOL = { protocolVersion: 5 } as const;
const RECONNECT_MS = [500, 1_000, 2_000, 5_000, 10_000];
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * An MQTT 5 subscriber session over mqtt-packet (MQTT.js's own codec). MQTT.js hands one
 * message at a time to its acknowledgement hook and reads no further until it is acknowledged,
 * which caps a subscriber that acknowledges only durable messages at one log round trip per
 * message. This session reads every message the broker sends, up to the receive maximum, and
 * leaves each PUBACK to the caller. A PUBACK is sent only on the connection its message came
 * by: after a reconnect the broker redelivers what was not acknowledged, and a packet id of
 * the old connection means nothing on the new one.
 */
export class MqttSession {
  private socket: Socket | undefined;
  private connection = 0;
  private connectedNow = false;
  private stopped = false;
  private attempt = 0;
  private nextMessageId = 1;
  private pingTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private lastHeard = 0;
  /** The broker accepted a connection of this process before: a new one should find the session. */
  private hadSession = false;
  private readonly target: BrokerAddress;
  private subscribed: { resolve(): void } | undefined;

  constructor(private readonly options: MqttSessionOptions) {
    this.target = brokerAddress(options.url);
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
    this.socket?.pause();
  }

  resume(): void {
    this.socket?.resume();
  }

  /** Runs `send` with the socket corked: a batch's PUBACKs leave in one write, not one each. */
  inOneWrite(send: () => void): void {
    const socket = this.socket;
    socket?.cork();
    try {
      send();
    } finally {
      socket?.uncork();
    }
  }

  /** A clean DISCONNECT that keeps the session: unacknowledged messages wait for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.connectTimer);
    clearInterval(this.pingTimer);
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy();
        resolve();
      }, 2_000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.send({ cmd: 'disconnect', reasonCode: 0 });
      socket.end();
    });
  }

  private open(): void {
    if (this.stopped) return;
    const connection = ++this.connection;
    const { host, port, tls } = this.target;
    const socket = tls
      ? connectTls({ host, port, servername: isIp(host) ? undefined : host })
      : connectTcp({ host, port });
    socket.setNoDelay(true);
    this.socket = socket;
    const parser = packetParser(PROTOCOL);
    parser.on('packet', (packet: Packet) => this.onPacket(packet, connection));
    parser.on('error', (error: Error) => {
      this.options.onEvent('error', `MQTT: unreadable data from ${this.address}: ${error.message}`);
      socket.destroy();
    });
    clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => {
      this.options.onEvent(
        'warn',
        `MQTT: no answer from ${this.address} within ${CONNECT_TIMEOUT_MS / 1000} s`,
      );
      socket.destroy();
    }, CONNECT_TIMEOUT_MS);
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      this.send({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 5,
        clean: false,
        clientId: this.options.clientId,
        keepalive: this.options.keepaliveSeconds,
        ...(this.target.username !== undefined ? { username: this.target.username } : {}),
        ...(this.target.password !== undefined
          ? { password: Buffer.from(this.target.password) }
          : {}),
        properties: {
          sessionExpiryInterval: this.options.sessionExpirySeconds,
          receiveMaximum: this.options.receiveMaximum,
        },
      });
    });
    socket.on('data', (chunk: Buffer) => {
      this.lastHeard = Date.now();
      parser.parse(chunk);
    });
    socket.on('error', (error: Error) => {
      if (!this.stopped) {
        this.options.onEvent('warn', `MQTT: connection to ${this.address}: ${error.message}`);
      }
    });
    socket.on('close', () => {
      if (this.connection !== connection) return;
      clearTimeout(this.connectTimer);
      clearInterval(this.pingTimer);
      const was = this.connectedNow;
      this.connectedNow = false;
      if (this.stopped) return;
      const delay = RECONNECT_MS[Math.min(this.attempt++, RECONNECT_MS.length - 1)]!;
      this.options.onEvent(
        was ? 'warn' : 'log',
        `MQTT: ${was ? 'lost the connection to' : 'could not connect to'} ${this.address}; retrying in ${delay} ms (unacknowledged messages stay with the broker)`,
      );
      this.reconnectTimer = setTimeout(() => this.open(), delay);
    });
  }

  private onPacket(packet: Packet, connection: number): void {
    if (connection !== this.connection) return;
    switch (packet.cmd) {
      case 'connack':
        clearTimeout(this.connectTimer);
        this.lastHeard = Date.now();
        if ((packet.reasonCode ?? 0) !== 0) {
          this.options.onEvent(
            'error',
            `MQTT: ${this.address} refused the connection: ${connackReason(packet.reasonCode!)} (reason code ${packet.reasonCode})`,
          );
          this.socket?.destroy();
          return;
        }
        if (this.hadSession && !packet.sessionPresent) {
          // The broker expired our session, or restarted without persistence: what it held for
          // us (unacknowledged, queued) is gone, and nothing else would say so.
          this.options.onEvent(
            'warn',
            `MQTT: ${this.address} had no session for ${this.options.clientId} any more (expired, or the broker restarted without persistence): messages it held for this instance are lost; see docs/services/ingestion.md#what-the-broker-can-still-drop`,
          );
        }
        this.hadSession = true;
        this.startPings();
        this.send({
          cmd: 'subscribe',
          messageId: this.messageId(),
          subscriptions: this.options.filters.map((topic) => ({ topic, qos: 1 as const })),
        });
        return;
      case 'suback': {
        const codes = (packet.granted as number[]).map(Number);
        const refused = codes
          .map((code, i) => ({ code, filter: this.options.filters[i] }))
          .filter(({ code }) => code > 2);
        if (refused.length > 0) {
          this.options.onEvent(
            'error',
            `MQTT: ${this.address} refused the subscription ${refused.map((r) => `${r.filter} (reason code ${r.code})`).join(', ')}`,
          );
          this.socket?.destroy();
          return;
        }
        this.connectedNow = true;
        this.attempt = 0;
        this.options.onEvent(
          'log',
          `MQTT: subscribed to ${this.options.filters.join(', ')} on ${this.address} (QoS 1, up to ${this.options.receiveMaximum} messages in flight)`,
        );
        this.subscribed?.resolve();
        return;
      }
      case 'publish':
        this.onPublish(packet, connection);
        return;
      case 'disconnect':
        this.options.onEvent(
          'warn',
          `MQTT: ${this.address} closed the session (reason code ${packet.reasonCode ?? 0}${packet.properties?.reasonString ? `: ${packet.properties.reasonString}` : ''})`,
        );
        this.socket?.destroy();
        return;
      default:
        // pingresp, and acknowledgements of packets we do not send.
        return;
    }
  }

  private onPublish(packet: IPublishPacket, connection: number): void {
    const { messageId, qos } = packet;
    let acknowledged = false;
    this.options.onMessage({
      topic: packet.topic,
      payload: typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload,
      qos,
      receivedAt: new Date().toISOString(),
      ack: (reasonCode) => {
        if (qos === 0 || acknowledged || connection !== this.connection) return false;
        acknowledged = true;
        return this.write(pubackBytes(messageId!, reasonCode));
      },
    });
  }

  private startPings(): void {
    clearInterval(this.pingTimer);
    const every = Math.max(1, this.options.keepaliveSeconds / 2) * 1000;
    this.pingTimer = setInterval(() => {
      // Nothing heard for 1.5 keepalives while reading: the broker or the path is gone.
      if (!this.socket?.isPaused() && Date.now() - this.lastHeard > every * 3) {
        this.options.onEvent('warn', `MQTT: ${this.address} stopped answering pings`);
        this.socket?.destroy();
        return;
      }
      this.send({ cmd: 'pingreq' });
    }, every);
  }

  private messageId(): number {
    const id = this.nextMessageId;
    this.nextMessageId = (id % 65_535) + 1;
    return id;
  }

  private send(packet: Packet): boolean {
    return this.write(generate(packet, PROTOCOL));
  }

  private write(bytes: Buffer): boolean {
    const socket = this.socket;
    if (!socket || socket.destroyed || !socket.writable) return false;
    socket.write(bytes);
    return true;
  }
}
