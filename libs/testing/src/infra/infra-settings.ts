/** Connection settings of the real servers a test run (or a local distributed run) uses. */
export interface KafkaSettings {
  brokers: string[];
  /** The same broker's secured listeners, where the test tooling started it (not a named one). */
  secured?: SecuredKafkaSettings;
}

/** Listeners that ask for SASL (SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN) as `username`. */
export interface SecuredKafkaSettings {
  /** SASL_PLAINTEXT. */
  saslBrokers: string[];
  /** SASL_SSL, with a certificate for 127.0.0.1 that `caFile` (PEM) signed. */
  tlsBrokers: string[];
  caFile: string;
  username: string;
  password: string;
}

/** Test-only variables carrying the secured listeners to the test workers. */
const SECURED_KAFKA_ENV = {
  saslBrokers: 'TWINLOG_TEST_KAFKA_SASL_BROKERS',
  tlsBrokers: 'TWINLOG_TEST_KAFKA_TLS_BROKERS',
  caFile: 'TWINLOG_TEST_KAFKA_CA_FILE',
  username: 'TWINLOG_TEST_KAFKA_USERNAME',
  password: 'TWINLOG_TEST_KAFKA_PASSWORD',
} as const;

export interface InfluxSettings {
  url: string;
  token: string;
  org: string;
  bucket: string;
}

export interface MqttSettings {
  /** Logs in as the test user, who may do anything (mosquitto-auth.ts). */
  url: string;
  /** The broker's users (the shipped ACL's and the test user) and their passwords, if known. */
  users?: Record<string, string>;
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
  const secured = settings.kafka?.secured;
  if (secured)
    for (const [field, name] of Object.entries(SECURED_KAFKA_ENV)) {
      const value = secured[field as keyof SecuredKafkaSettings];
      env[name] = Array.isArray(value) ? value.join(',') : value;
    }
  if (settings.influx) {
    env['INFLUX_URL'] = settings.influx.url;
    env['INFLUX_TOKEN'] = settings.influx.token;
    env['INFLUX_ORG'] = settings.influx.org;
    env['INFLUX_BUCKET'] = settings.influx.bucket;
  }
  if (settings.mqtt) env['MQTT_URL'] = settings.mqtt.url;
  if (settings.mqtt?.users) env['TWINLOG_TEST_MQTT_USERS'] = JSON.stringify(settings.mqtt.users);
  return env;
}

/** Reads whatever servers the environment names; a half-named InfluxDB is an error, not a guess. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Partial<InfraSettings> {
  const found: Partial<InfraSettings> = {};
  const brokers = env['KAFKA_BROKERS']?.trim();
  if (brokers) found.kafka = { brokers: list(brokers) };
  const secured = Object.values(SECURED_KAFKA_ENV).map((name) => env[name]?.trim());
  if (found.kafka && secured.every(Boolean)) {
    const [sasl, tls, caFile, username, password] = secured as string[];
    found.kafka.secured = {
      saslBrokers: list(sasl!),
      tlsBrokers: list(tls!),
      caFile: caFile!,
      username: username!,
      password: password!,
    };
  }

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
  const users = env['TWINLOG_TEST_MQTT_USERS'];
  if (mqtt)
    found.mqtt = {
      url: mqtt,
      ...(users ? { users: JSON.parse(users) as Record<string, string> } : {}),
    };
  return found;
}

const list = (text: string) =>
  text
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
