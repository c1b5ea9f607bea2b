import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { generate, parser, type Packet } from 'mqtt-packet';

const PROTOCOL = { protocolVersion: 5 } as const;

/** One client connection to the scripted broker: what it sent, and a way to send it packets. */
export interface BrokerConnection {
  packets: Packet[];
  send(packet: Packet): void;
  drop(): void;
}

/**
 * A broker the test scripts packet by packet (mqtt-packet over TCP on 127.0.0.1): it answers
 * CONNECT and SUBSCRIBE, and records everything the client sends, so a test can check what a
 * real broker cannot show (the order of PUBACKs, when they were sent, the CONNECT's properties).
 */
export class ScriptedBroker {
  readonly connections: BrokerConnection[] = [];
  /** Whether PINGREQ gets its PINGRESP (false: a broker, or a path, that went silent). */
  answersPings = true;
  /** What CONNACK answers: its reason code (0 accepts) and whether the session was found. */
  connack: { reasonCode: number; sessionPresent: boolean } = {
    reasonCode: 0,
    sessionPresent: false,
  };
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ScriptedBroker> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const broker = new ScriptedBroker(server, `mqtt://127.0.0.1:${port}`);
    server.on('connection', (socket) => broker.accept(socket));
    return broker;
  }

  get latest(): BrokerConnection {
    return this.connections[this.connections.length - 1]!;
  }

  /** PUBACKs the client sent on a connection, as [messageId, reasonCode]. */
  pubacks(connection = this.latest): Array<[number, number]> {
    return connection.packets.flatMap((p) =>
      p.cmd === 'puback' ? [[p.messageId!, p.reasonCode ?? 0] as [number, number]] : [],
    );
  }

  /** A QoS 1 message, or QoS 0 with `qos: 0` (its messageId is then ignored). */
  publish(
    topic: string,
    payload: string | Buffer,
    messageId: number,
    connection = this.latest,
    qos: 0 | 1 = 1,
  ): void {
    connection.send({
      cmd: 'publish',
      topic,
      payload: Buffer.from(payload),
      qos,
      ...(qos === 1 ? { messageId } : {}),
      dup: false,
      retain: false,
    });
  }

  async close(): Promise<void> {
    this.sockets.forEach((s) => s.destroy());
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const packets: Packet[] = [];
    const connection: BrokerConnection = {
      packets,
      send: (packet) => socket.write(generate(packet, PROTOCOL)),
      drop: () => socket.destroy(),
    };
    this.connections.push(connection);
    const read = parser(PROTOCOL);
    read.on('packet', (packet: Packet) => {
      packets.push(packet);
      if (packet.cmd === 'connect') {
        connection.send({ cmd: 'connack', ...this.connack });
      } else if (packet.cmd === 'subscribe') {
        connection.send({
          cmd: 'suback',
          messageId: packet.messageId,
          granted: packet.subscriptions.map(() => 1),
        });
      } else if (packet.cmd === 'pingreq' && this.answersPings) {
        connection.send({ cmd: 'pingresp' });
      }
    });
    socket.on('data', (chunk: Buffer) => read.parse(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }
}
