import { connect } from 'mqtt';

export interface BareSubscriber {
  received(): number;
  /** Epoch ms of the latest message, 0 before any. */
  lastAt(): number;
  stop(): Promise<void>;
}

/**
 * The broker-to-client ceiling: an MQTT.js client subscribed at QoS 1 that counts messages and
 * does nothing else (MQTT.js acknowledges each as it arrives). With a client id, its session
 * persists, so the broker queues messages for it while it is away.
 */
export async function startBareSubscriber(
  url: string,
  filter: string,
  persistentId?: string,
): Promise<BareSubscriber> {
  const client = connect(url, {
    protocolVersion: 5,
    reconnectPeriod: 0,
    ...(persistentId
      ? { clientId: persistentId, clean: false, properties: { sessionExpiryInterval: 3600 } }
      : { clean: true }),
  });
  let received = 0;
  let lastAt = 0;
  // Counting from before the CONNACK: a resumed session's queue follows it at once.
  client.on('message', () => {
    received += 1;
    lastAt = Date.now();
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return { received: () => received, lastAt: () => lastAt, stop: () => client.endAsync() };
}
