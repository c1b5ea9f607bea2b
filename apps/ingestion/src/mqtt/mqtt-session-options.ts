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
  /** For mqtts://: the CA to trust (PEM; the system's when absent) and a client certificate. */
  tls?: MqttTls;
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

export interface MqttTls {
  ca?: string;
  cert?: string;
  key?: string;
}
