/** Connection settings of the real servers a test run (or a local distributed run) uses. */
export interface KafkaSettings {
  brokers: string[];
}

export interface InfluxSettings {
  url: string;
  token: string;
  org: string;
  bucket: string;
}

export interface MqttSettings {
  url: string;
}

export interface InfraSettings {
  kafka: KafkaSettings;
  influx: InfluxSettings;
  mqtt: MqttSettings;
}

export type ServerName = keyof InfraSettings;

/** The environment variables that name existing servers; the same names the apps read. */
export function settingsToEnv(settings: Partial<InfraSettings>): Record<string, string> {
  const env: Record<string, string> = {};
  if (settings.kafka) env['KAFKA_BROKERS'] = settings.kafka.brokers.join(',');
  if (settings.influx) {
    env['INFLUX_URL'] = settings.influx.url;
    env['INFLUX_TOKEN'] = settings.influx.token;
    env['INFLUX_ORG'] = settings.influx.org;
    env['INFLUX_BUCKET'] = settings.influx.bucket;
  }
  if (settings.mqtt) env['MQTT_URL'] = settings.mqtt.url;
  return env;
}

/** Reads whatever servers the environment names; a half-named InfluxDB is an error, not a guess. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Partial<InfraSettings> {
  const found: Partial<InfraSettings> = {};
  const brokers = env['KAFKA_BROKERS']?.trim();
  if (brokers)
    found.kafka = {
      brokers: brokers
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    };

  const influxKeys = ['INFLUX_URL', 'INFLUX_TOKEN', 'INFLUX_ORG'] as const;
  const named = influxKeys.filter((k) => env[k]?.trim());
  if (named.length > 0 && named.length < influxKeys.length) {
    const missing = influxKeys.filter((k) => !env[k]?.trim());
    throw new Error(
      `InfluxDB is half-configured: ${named.join(', ')} set but ${missing.join(', ')} missing. ` +
        'Set all of INFLUX_URL, INFLUX_TOKEN and INFLUX_ORG (and optionally INFLUX_BUCKET), or none.',
    );
  }
  if (named.length === influxKeys.length) {
    found.influx = {
      url: env['INFLUX_URL']!.trim(),
      token: env['INFLUX_TOKEN']!.trim(),
      org: env['INFLUX_ORG']!.trim(),
      bucket: env['INFLUX_BUCKET']?.trim() || 'telemetry',
    };
  }
  const mqtt = env['MQTT_URL']?.trim();
  if (mqtt) found.mqtt = { url: mqtt };
  return found;
}
