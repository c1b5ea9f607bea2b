import { hostname } from 'node:os';
import { z } from 'zod';
import {
  AllowedHosts,
  ConfigError,
  intFrom,
  kafkaSecuritySettings,
  listOf,
  readKafkaSecurity,
  readSecret,
  readSettingFile,
  readServiceSettings,
  type Env,
} from '@twinlog/service-kit';
import type { KafkaSecurity } from '@twinlog/event-log';
import { parseFieldMapping } from '../kafka-input/field-mapping';
import { checkBrokerUrl } from '../mqtt/broker-address';
import type { MqttTls } from '../mqtt/mqtt-session-options';
import { parseTopicPattern } from '../mqtt/topic-pattern';

/** Every setting of the ingestion service, with its default and why. */
const schema = z.object({
  // Loopback: wider (0.0.0.0 in a container) only where the deployment says so.
  INGESTION_HTTP_HOST: z.string().default('127.0.0.1'),
  INGESTION_HTTP_PORT: intFrom(0, 8081),
  // 4 MiB holds a 10,000-reading batch with room to spare; larger bodies get 413 unread.
  INGESTION_MAX_BODY_BYTES: intFrom(1024, 4 * 1024 * 1024),
  INGESTION_MAX_BATCH: intFrom(1, 10_000),
  // Plant clocks drift: readings up to this far ahead of ours are believed.
  INGESTION_MAX_FUTURE_SKEW_MS: intFrom(0, 5 * 60_000),
  // Keeps each Kafka message well under the broker's 1 MB default.
  INGESTION_MAX_READINGS_PER_EVENT: intFrom(1, 500),
  // Reading ids remembered for de-duplication (about 100 bytes each).
  INGESTION_DEDUPE_WINDOW: intFrom(0, 200_000),
  // Seconds a 503 asks the caller to wait before retrying.
  INGESTION_RETRY_AFTER_S: intFrom(1, 5),
  // Write accepted telemetry to InfluxDB (or the embedded store) from this service.
  INGESTION_WRITE_TELEMETRY: z.enum(['on', 'off']).default('on'),
  MQTT_URL: z.string().optional(),
  // The broker login, apart from the URL so the password can come from a mounted file
  // (INGESTION_MQTT_PASSWORD or INGESTION_MQTT_PASSWORD_FILE). The shipped ACL names the user
  // twinlog-ingestion (deploy/mosquitto/acl).
  INGESTION_MQTT_USERNAME: z.string().optional(),
  INGESTION_MQTT_PASSWORD: z.string().optional(),
  INGESTION_MQTT_PASSWORD_FILE: z.string().optional(),
  // For an mqtts:// broker: a CA of its own (PEM), and a client certificate and key if it asks.
  INGESTION_MQTT_TLS_CA_FILE: z.string().optional(),
  INGESTION_MQTT_TLS_CERT_FILE: z.string().optional(),
  INGESTION_MQTT_TLS_KEY_FILE: z.string().optional(),
  INGESTION_MQTT_TOPIC: z.string().default('plant/{site}/{twinId}/telemetry'),
  // The compact form: one reading per message, the topic naming the property; `off` disables it.
  INGESTION_MQTT_PROPERTY_TOPIC: z.string().default('plant/{site}/{twinId}/{property}'),
  // QoS 1 messages the broker may send before the first is acknowledged: enough to cover a
  // batch's append at 20,000 messages/s, and a bound on what a batch holds in memory.
  INGESTION_MQTT_RECEIVE_MAXIMUM: intFrom(1, 10_000, 65_535),
  INGESTION_MQTT_KEEPALIVE_S: intFrom(5, 30, 3_600),
  // How long the broker keeps the session, and queues for it, while ingestion is away (MQTT
  // encodes it in four bytes).
  INGESTION_MQTT_SESSION_EXPIRY_S: intFrom(60, 86_400, 4_294_967_295),
  // A shared subscription: ingestion instances split the MQTT load instead of each taking all.
  // Its name is one topic level: no '/', '+' or '#'.
  INGESTION_MQTT_SHARE_GROUP: z
    .string()
    .regex(/^[^/+#]+$/, "one topic level, without '/', '+' or '#'")
    .default('twinlog-ingestion'),
  INGESTION_MQTT_CLIENT_ID: z.string().default(`twinlog-ingestion-${hostname()}`),
  // Watch the broker's drop counter ($SYS) on a second connection; off for a broker that forbids it.
  INGESTION_MQTT_BROKER_STATS: z.enum(['on', 'off']).default('on'),
  INGESTION_KAFKA_INPUT_TOPICS: listOf('').optional(),
  // The enterprise cluster, when it is not Twinlog's own; its SASL and TLS then come from
  // INGESTION_KAFKA_INPUT_SASL_MECHANISM, _USERNAME, _PASSWORD(_FILE), _TLS, _TLS_CA_FILE...
  // (the TWINLOG_KAFKA_ settings' names), else the input uses Twinlog's own.
  INGESTION_KAFKA_INPUT_BROKERS: listOf('').optional(),
  ...kafkaSecuritySettings('INGESTION_KAFKA_INPUT_'),
  INGESTION_KAFKA_INPUT_GROUP: z.string().default('twinlog-ingestion-raw'),
  // JSON: Twinlog field -> path in the source record, e.g. {"twinId":"asset.id","value":"v"}.
  INGESTION_KAFKA_INPUT_MAPPING: z.string().default('{}'),
});

export type IngestionConfig = ReturnType<typeof readIngestionConfig>;

export function readIngestionConfig(env: Env) {
  const [service, raw] = readServiceSettings(env, schema);
  const kafkaTopics = raw.INGESTION_KAFKA_INPUT_TOPICS ?? [];
  const inputBrokers = raw.INGESTION_KAFKA_INPUT_BROKERS?.length
    ? raw.INGESTION_KAFKA_INPUT_BROKERS
    : service.mode === 'distributed'
      ? service.kafka.brokers
      : [];
  const inputSecurity = kafkaInputSecurity(env, raw.INGESTION_KAFKA_INPUT_BROKERS, service);
  return {
    service,
    http: {
      host: raw.INGESTION_HTTP_HOST,
      allowedHosts: AllowedHosts.of(service.allowedHosts, raw.INGESTION_HTTP_HOST),
      port: raw.INGESTION_HTTP_PORT,
      maxBodyBytes: raw.INGESTION_MAX_BODY_BYTES,
      maxBatch: raw.INGESTION_MAX_BATCH,
      retryAfterSeconds: raw.INGESTION_RETRY_AFTER_S,
    },
    intake: {
      maxFutureSkewMs: raw.INGESTION_MAX_FUTURE_SKEW_MS,
      maxReadingsPerEvent: raw.INGESTION_MAX_READINGS_PER_EVENT,
      dedupeWindow: raw.INGESTION_DEDUPE_WINDOW,
    },
    writeTelemetry: raw.INGESTION_WRITE_TELEMETRY === 'on',
    mqtt: raw.MQTT_URL
      ? {
          url: checkedBrokerUrl(mqttLogin(env, raw.MQTT_URL, raw.INGESTION_MQTT_USERNAME)),
          tls: mqttTls(raw.MQTT_URL, env),
          topic: parseTopicPattern(raw.INGESTION_MQTT_TOPIC),
          propertyTopic:
            raw.INGESTION_MQTT_PROPERTY_TOPIC === 'off'
              ? undefined
              : parseTopicPattern(raw.INGESTION_MQTT_PROPERTY_TOPIC, ['twinId', 'property']),
          receiveMaximum: raw.INGESTION_MQTT_RECEIVE_MAXIMUM,
          keepaliveSeconds: raw.INGESTION_MQTT_KEEPALIVE_S,
          sessionExpirySeconds: raw.INGESTION_MQTT_SESSION_EXPIRY_S,
          shareGroup: raw.INGESTION_MQTT_SHARE_GROUP,
          clientId: raw.INGESTION_MQTT_CLIENT_ID,
          brokerStats: raw.INGESTION_MQTT_BROKER_STATS === 'on',
        }
      : undefined,
    kafkaInput:
      kafkaTopics.length > 0
        ? {
            topics: kafkaTopics,
            brokers: requireBrokers(inputBrokers),
            security: inputSecurity,
            group: raw.INGESTION_KAFKA_INPUT_GROUP,
            mapping: parseFieldMapping(raw.INGESTION_KAFKA_INPUT_MAPPING),
          }
        : undefined,
  };
}

/** An enterprise cluster's own SASL and TLS settings, or Twinlog's when the input reads its cluster. */
function kafkaInputSecurity(
  env: Env,
  ownBrokers: string[] | undefined,
  service: ReturnType<typeof readServiceSettings>[0],
): KafkaSecurity {
  if (!ownBrokers?.length) return service.mode === 'distributed' ? service.kafka.security : {};
  const problems: string[] = [];
  const security = readKafkaSecurity(env, 'INGESTION_KAFKA_INPUT_', problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return security;
}

function requireBrokers(brokers: string[]): string[] {
  if (brokers.length === 0) {
    throw new Error(
      'INGESTION_KAFKA_INPUT_TOPICS is set but no brokers are: set INGESTION_KAFKA_INPUT_BROKERS (or KAFKA_BROKERS in distributed mode)',
    );
  }
  return brokers;
}

/**
 * MQTT_URL with the login of INGESTION_MQTT_USERNAME and the password (percent-encoded, as a
 * URL carries them): the session, the drop watcher and the masking of logs all read it there.
 */
function mqttLogin(env: Env, url: string, username: string | undefined): string {
  const problems: string[] = [];
  const password = readSecret(env, 'INGESTION_MQTT_PASSWORD', problems);
  if (username === undefined && password !== undefined)
    problems.push('INGESTION_MQTT_PASSWORD is set but INGESTION_MQTT_USERNAME is not');
  if (problems.length > 0) throw new ConfigError(problems);
  if (username === undefined) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // checkBrokerUrl names it
  }
  if (parsed.username !== '')
    throw new ConfigError([
      'MQTT_URL carries a user and INGESTION_MQTT_USERNAME is set too: give the login one way',
    ]);
  parsed.username = encodeURIComponent(username);
  if (password !== undefined) parsed.password = encodeURIComponent(password);
  return parsed.toString().replace(/\/$/, '');
}

/** The PEM files of INGESTION_MQTT_TLS_*, for an mqtts:// MQTT_URL only. */
function mqttTls(url: string, env: Env): MqttTls | undefined {
  const raw = (name: string) => (env[name] === '' ? undefined : env[name]);
  const files = {
    ca: 'INGESTION_MQTT_TLS_CA_FILE',
    cert: 'INGESTION_MQTT_TLS_CERT_FILE',
    key: 'INGESTION_MQTT_TLS_KEY_FILE',
  } as const;
  const given = Object.entries(files).filter(([, name]) => raw(name) !== undefined);
  if (given.length === 0) return undefined;
  const problems: string[] = [];
  if (!/^(mqtts|ssl):/.test(url))
    problems.push(`${given.map(([, n]) => n).join(', ')} set but MQTT_URL is not mqtts://`);
  if ((raw(files.cert) === undefined) !== (raw(files.key) === undefined))
    problems.push('INGESTION_MQTT_TLS_CERT_FILE and INGESTION_MQTT_TLS_KEY_FILE go together');
  const tls: MqttTls = {};
  for (const [field, name] of given) {
    const text = readSettingFile(name, raw(name)!, problems);
    if (text !== undefined) tls[field as keyof MqttTls] = text;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return tls;
}

function checkedBrokerUrl(url: string): string {
  checkBrokerUrl(url);
  return url;
}
