import type { IPublishPacket, Packet } from 'mqtt-packet';
import type { MqttConnection } from './mqtt-connection';
import { connackReason, pubackBytes } from './mqtt-packets';
import type { MqttSessionOptions } from './mqtt-session-options';

export interface SubscriberHooks {
  /** The broker granted every filter: the connection is subscribed. */
  subscribed(): void;
  /** Whether `connection` is still the session's own (a PUBACK goes only on the one it came by). */
  isCurrent(connection: MqttConnection): boolean;
}

/**
 * What the subscriber does with each packet the broker sends on the current connection:
 * CONNACK leads to SUBSCRIBE (and to a warning when the broker lost our session), SUBACK to
 * being subscribed, each PUBLISH to a message whose PUBACK is left to the caller, DISCONNECT to
 * dropping the connection (the session reconnects). A refusal drops the connection too.
 */
export class SubscriberPackets {
  /** The broker accepted a connection of this process before: a new one should find the session. */
  private hadSession = false;
  private nextMessageId = 1;

  constructor(
    private readonly options: MqttSessionOptions,
    private readonly address: string,
    private readonly hooks: SubscriberHooks,
  ) {}

  handle(packet: Packet, connection: MqttConnection): void {
    switch (packet.cmd) {
      case 'connack':
        connection.answered();
        if ((packet.reasonCode ?? 0) !== 0) {
          this.options.onEvent(
            'error',
            `MQTT: ${this.address} refused the connection: ${connackReason(packet.reasonCode!)} (reason code ${packet.reasonCode})`,
          );
          connection.destroy();
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
        connection.startPings(this.address);
        connection.send({
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
          connection.destroy();
          return;
        }
        this.options.onEvent(
          'log',
          `MQTT: subscribed to ${this.options.filters.join(', ')} on ${this.address} (QoS 1, up to ${this.options.receiveMaximum} messages in flight)`,
        );
        this.hooks.subscribed();
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
        connection.destroy();
        return;
      default:
        // pingresp, and acknowledgements of packets we do not send.
        return;
    }
  }

  private onPublish(packet: IPublishPacket, connection: MqttConnection): void {
    const { messageId, qos } = packet;
    let acknowledged = false;
    this.options.onMessage({
      topic: packet.topic,
      payload: typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload,
      qos,
      receivedAt: new Date().toISOString(),
      ack: (reasonCode) => {
        if (qos === 0 || acknowledged || !this.hooks.isCurrent(connection)) return false;
        acknowledged = true;
        return connection.write(pubackBytes(messageId!, reasonCode));
      },
    });
  }

  private messageId(): number {
    const id = this.nextMessageId;
    this.nextMessageId = (id % 65_535) + 1;
    return id;
  }
}
