import { randomBytes } from 'node:crypto';
import { GenericContainer, Wait } from 'testcontainers';
import { KafkaContainer } from '@testcontainers/kafka';
import type { InfluxSettings, KafkaSettings, MqttSettings } from '../infra-settings';
import type { ProvisionedServer } from '../provisioned-server';
import { bucketScopedToken, onboardInflux } from '../local/influxdb-onboarding';
import { mosquittoConfigText } from '../mosquitto-sizing';
import { MQTT_TEST_USER, mosquittoAuth, mqttUrlAs } from '../mosquitto-auth';

// Images pinned to the same server lines the local tooling runs.
const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.4';
const INFLUX_IMAGE = 'influxdb:2.7.12';
const MOSQUITTO_IMAGE = 'eclipse-mosquitto:2.0.22';

export async function startKafkaContainer(): Promise<ProvisionedServer<KafkaSettings>> {
  const container = await new KafkaContainer(KAFKA_IMAGE).withKraft().start();
  const brokers = [`${container.getHost()}:${container.getMappedPort(9093)}`];
  return {
    settings: { brokers },
    source: 'container',
    description: `Kafka (${KAFKA_IMAGE}) at ${brokers[0]} (testcontainers)`,
    pids: [],
    stop: async () => void (await container.stop()),
  };
}

export async function startInfluxContainer(): Promise<ProvisionedServer<InfluxSettings>> {
  const container = await new GenericContainer(INFLUX_IMAGE)
    .withExposedPorts(8086)
    .withWaitStrategy(Wait.forHttp('/health', 8086))
    .start();
  const settings: InfluxSettings = {
    url: `http://${container.getHost()}:${container.getMappedPort(8086)}`,
    token: randomBytes(24).toString('hex'),
    org: 'twinlog',
    bucket: 'telemetry',
  };
  await onboardInflux(settings);
  settings.token = await bucketScopedToken(settings);
  return {
    settings,
    source: 'container',
    description: `InfluxDB (${INFLUX_IMAGE}) at ${settings.url} (testcontainers)`,
    pids: [],
    stop: async () => void (await container.stop()),
  };
}

/** mosquitto in a container with the shipped broker sizing, users and ACL (deploy/mosquitto). */
export async function startMosquittoContainer(): Promise<ProvisionedServer<MqttSettings>> {
  const auth = mosquittoAuth('/mosquitto/config');
  const config = mosquittoConfigText(['listener 1883', ...auth.configLines, 'persistence false']);
  const container = await new GenericContainer(MOSQUITTO_IMAGE)
    .withCopyContentToContainer([
      { content: config, target: '/mosquitto/config/twinlog.conf' },
      { content: auth.passwordFileText, target: '/mosquitto/config/mosquitto-passwd', mode: 0o600 },
      { content: auth.aclText, target: '/mosquitto/config/mosquitto-acl' },
    ])
    .withCommand(['mosquitto', '-c', '/mosquitto/config/twinlog.conf'])
    .withExposedPorts(1883)
    .withWaitStrategy(Wait.forListeningPorts())
    .start();
  const address = `mqtt://${container.getHost()}:${container.getMappedPort(1883)}`;
  const url = mqttUrlAs(address, MQTT_TEST_USER, auth.users[MQTT_TEST_USER]!);
  return {
    settings: { url, users: auth.users },
    source: 'container',
    description: `MQTT (${MOSQUITTO_IMAGE}) at ${address} (testcontainers)`,
    pids: [],
    stop: async () => void (await container.stop()),
  };
}
