import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { generate, parser as packetParser, type Packet } from 'mqtt-packet';
import { isIp, type BrokerAddress } from './broker-address';
import type { MqttSessionOptions } from './mqtt-session-options';

const PROTOCOL = { protocolVersion: 5 } as const;
export const CONNECT_TIMEOUT_MS = 10_000;

export interface ConnectionHooks {
  onPacket(packet: Packet): void;
  /** The socket closed (refused, lost, or ended); the session decides whether to reconnect. */
  onClose(): void;
  /** Whether the session is stopping: socket errors are then expected and not logged. */
  stopped(): boolean;
}

/**
 * One connection to the broker: a TCP or TLS socket that sends CONNECT (MQTT 5, `clean: false`,
 * the session expiry and the receive maximum), gives up after 10 s without an answer, and,
 * once connected, pings every half keepalive and drops a broker that stopped answering. A
 * reconnect is a new MqttConnection: packets and PUBACKs never cross from one to the next.
 */
export class MqttConnection {
  private readonly socket: Socket;
  private connectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private lastHeard = 0;

  constructor(
    target: BrokerAddress,
    private readonly options: MqttSessionOptions,
    hooks: ConnectionHooks,
  ) {
    const { host, port, tls } = target;
    const socket = tls
      ? connectTls({ host, port, servername: isIp(host) ? undefined : host, ...options.tls })
      : connectTcp({ host, port });
    socket.setNoDelay(true);
    this.socket = socket;
    const address = target.display;
    const parser = packetParser(PROTOCOL);
    parser.on('packet', (packet: Packet) => hooks.onPacket(packet));
    parser.on('error', (error: Error) => {
      options.onEvent('error', `MQTT: unreadable data from ${address}: ${error.message}`);
      socket.destroy();
    });
    this.connectTimer = setTimeout(() => {
      options.onEvent(
        'warn',
        `MQTT: no answer from ${address} within ${CONNECT_TIMEOUT_MS / 1000} s`,
      );
      socket.destroy();
    }, CONNECT_TIMEOUT_MS);
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      this.send({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 5,
        clean: false,
        clientId: options.clientId,
        keepalive: options.keepaliveSeconds,
        ...(target.username !== undefined ? { username: target.username } : {}),
        ...(target.password !== undefined ? { password: Buffer.from(target.password) } : {}),
        properties: {
          sessionExpiryInterval: options.sessionExpirySeconds,
          receiveMaximum: options.receiveMaximum,
        },
      });
    });
    socket.on('data', (chunk: Buffer) => {
      this.lastHeard = Date.now();
      parser.parse(chunk);
    });
    socket.on('error', (error: Error) => {
      if (!hooks.stopped()) {
        options.onEvent('warn', `MQTT: connection to ${address}: ${error.message}`);
      }
    });
    socket.on('close', () => {
      this.stopTimers();
      hooks.onClose();
    });
  }

  get destroyed(): boolean {
    return this.socket.destroyed;
  }

  /** The broker answered CONNECT (accepting or refusing): the connect timeout is over. */
  answered(): void {
    clearTimeout(this.connectTimer);
    this.lastHeard = Date.now();
  }

  /** Pings every half keepalive; nothing heard for 1.5 keepalives while reading drops the socket. */
  startPings(address: string): void {
    clearInterval(this.pingTimer);
    const every = Math.max(1, this.options.keepaliveSeconds / 2) * 1000;
    this.pingTimer = setInterval(() => {
      if (!this.socket.isPaused() && Date.now() - this.lastHeard > every * 3) {
        this.options.onEvent('warn', `MQTT: ${address} stopped answering pings`);
        this.socket.destroy();
        return;
      }
      this.send({ cmd: 'pingreq' });
    }, every);
  }

  stopTimers(): void {
    clearTimeout(this.connectTimer);
    clearInterval(this.pingTimer);
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Runs `send` with the socket corked: what it writes leaves in one write. */
  inOneWrite(send: () => void): void {
    this.socket.cork();
    try {
      send();
    } finally {
      this.socket.uncork();
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** A clean DISCONNECT that keeps the session (reason code 0); waits at most 2 s for the close. */
  async end(): Promise<void> {
    const socket = this.socket;
    if (socket.destroyed) return;
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

  send(packet: Packet): boolean {
    return this.write(generate(packet, PROTOCOL));
  }

  write(bytes: Buffer): boolean {
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return false;
    socket.write(bytes);
    return true;
  }
}
