import { settingsFromEnv, type InfraSettings, type ServerName } from './infra-settings';

/**
 * The real servers' settings inside a test. Integration tests call this instead of skipping:
 * with no server configured it throws, so the test fails with a message saying how to fix it.
 */
export function realServer<K extends ServerName>(name: K): InfraSettings[K] {
  const settings = settingsFromEnv(process.env)[name];
  if (!settings) {
    throw new Error(
      `No ${name} server for this test. Integration tests run under the jest projects "int"/"e2e", ` +
        'whose global setup provides real servers (npm test); or name one with KAFKA_BROKERS / INFLUX_URL, ' +
        'INFLUX_TOKEN, INFLUX_ORG / MQTT_URL.',
    );
  }
  return settings as InfraSettings[K];
}
