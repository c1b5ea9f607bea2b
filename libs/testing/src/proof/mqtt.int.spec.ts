import { randomUUID } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { realServer } from '../infra/test-settings';

// Proof that the MQTT broker is real: a QoS 1 publish reaches a subscriber on a wildcard topic.
describe('real MQTT broker', () => {
  const { url } = realServer('mqtt');
  let subscriber: MqttClient;
  let publisher: MqttClient;

  beforeAll(async () => {
    subscriber = await connectAsync(url, { clientId: `sub-${randomUUID()}` });
    publisher = await connectAsync(url, { clientId: `pub-${randomUUID()}` });
  });

  afterAll(async () => {
    await Promise.allSettled([subscriber?.endAsync(), publisher?.endAsync()]);
  });

  it('delivers a QoS 1 publish to a wildcard subscriber', async () => {
    const site = randomUUID();
    await subscriber.subscribeAsync(`plant/${site}/+/telemetry`, { qos: 1 });
    const received = new Promise<{ topic: string; body: unknown }>((resolve) =>
      subscriber.on('message', (topic, payload) =>
        resolve({ topic, body: JSON.parse(payload.toString()) }),
      ),
    );
    const reading = {
      twinId: 'cnc-1',
      property: 'temperature',
      value: 41.5,
      time: new Date().toISOString(),
    };
    await publisher.publishAsync(`plant/${site}/cnc-1/telemetry`, JSON.stringify(reading), {
      qos: 1,
    });
    await expect(received).resolves.toEqual({
      topic: `plant/${site}/cnc-1/telemetry`,
      body: reading,
    });
  });
});
