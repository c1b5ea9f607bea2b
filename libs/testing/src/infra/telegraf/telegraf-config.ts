/**
 * The Telegraf configuration of the "TIG" peer (mosquitto -> Telegraf -> InfluxDB): Telegraf's
 * MQTT consumer reads Twinlog's MQTT readings messages and its InfluxDB v2 output writes them as
 * Twinlog's telemetry writer would (tags twin_id, site, property; field value; the reading's
 * time). Pure: the text only; secrets are left to environment variables Telegraf substitutes.
 */
export interface TelegrafPeerConfig {
  /** The broker, as `mqtt://host:port` or `mqtts://host:port` (credentials come from the env). */
  brokerAddress: string;
  /** Twinlog's readings-message topic pattern, e.g. `plant/{site}/{twinId}/telemetry`. */
  topicPattern: string;
  /**
   * Which payload the messages carry: `readings` = `{ "readings": [...] }` (what the benchmarks
   * publish for many readings per message), `list` = one reading or an array of them. Telegraf
   * reads one of the two per instance (its JSON query is a fixed path).
   */
  payload: 'readings' | 'list';
  /** The MQTT client id: with a persistent session, a restarted Telegraf gets what it missed. */
  clientId: string;
  influx: { url: string; org: string; bucket: string };
  /** Measurement name (Twinlog's is the twin's type, which a topic does not carry). */
  measurement?: string;
  /** The agent's tuning; the defaults keep latency low for the benchmark (Telegraf's are 10 s). */
  flushInterval?: string;
  metricBatchSize?: number;
  metricBufferLimit?: number;
  maxUndeliveredMessages?: number;
}

/** The environment variables the config refers to (Telegraf replaces `${NAME}` at load). */
export const TELEGRAF_SECRET_ENV = {
  mqttUsername: 'TWINLOG_PEER_MQTT_USERNAME',
  mqttPassword: 'TWINLOG_PEER_MQTT_PASSWORD',
  influxToken: 'TWINLOG_PEER_INFLUX_TOKEN',
} as const;

/** Named topic levels Telegraf keeps as tags, under Twinlog's InfluxDB tag names. */
const LEVEL_TAGS: Record<string, string> = { site: 'site', twinId: 'twin_id' };

export function telegrafConfigText(config: TelegrafPeerConfig): string {
  const { filter, tags } = topicParsing(config.topicPattern);
  const broker = new URL(config.brokerAddress);
  const scheme = broker.protocol === 'mqtts:' ? 'ssl' : 'tcp';
  const q = JSON.stringify; // a JSON string is a valid TOML basic string
  return [
    '[agent]',
    '  omit_hostname = true', // no host tag: the series are Twinlog's, not the machine's
    `  flush_interval = ${q(config.flushInterval ?? '100ms')}`,
    '  flush_jitter = "0s"',
    '  skip_processors_after_aggregators = true', // none here; says so to silence 1.40's warning
    `  metric_batch_size = ${config.metricBatchSize ?? 5_000}`,
    `  metric_buffer_limit = ${config.metricBufferLimit ?? 200_000}`,
    '',
    '[[inputs.mqtt_consumer]]',
    `  servers = [${q(`${scheme}://${broker.host}`)}]`,
    `  topics = [${q(filter)}]`,
    '  topic_tag = ""',
    '  qos = 1',
    '  persistent_session = true',
    `  client_id = ${q(config.clientId)}`,
    `  username = "\${${TELEGRAF_SECRET_ENV.mqttUsername}}"`,
    `  password = "\${${TELEGRAF_SECRET_ENV.mqttPassword}}"`,
    // Tracking: a message is acknowledged only once its points were written (Telegraf's QoS 1).
    `  max_undelivered_messages = ${config.maxUndeliveredMessages ?? 5_000}`,
    `  name_override = ${q(config.measurement ?? 'telemetry')}`,
    '  data_format = "json"',
    `  json_query = ${q(config.payload === 'readings' ? 'readings' : '')}`,
    '  tag_keys = ["property"]',
    // A string field (readingId, unit) is dropped unless listed: only `value` is kept, as Twinlog's writer does.
    '  json_time_key = "time"',
    '  json_time_format = "2006-01-02T15:04:05Z07:00"', // ISO 8601 with an offset, fractions allowed
    '  [[inputs.mqtt_consumer.topic_parsing]]',
    `    topic = ${q(filter)}`,
    `    tags = ${q(tags)}`,
    '',
    '[[outputs.influxdb_v2]]',
    `  urls = [${q(config.influx.url)}]`,
    `  token = "\${${TELEGRAF_SECRET_ENV.influxToken}}"`,
    `  organization = ${q(config.influx.org)}`,
    `  bucket = ${q(config.influx.bucket)}`,
    '',
  ].join('\n');
}

/**
 * `plant/{site}/{twinId}/telemetry` -> subscription `plant/+/+/telemetry` and Telegraf's topic
 * parsing `_/site/twin_id/_` (a named level becomes a tag, a literal one is skipped).
 */
export function topicParsing(pattern: string): { filter: string; tags: string } {
  const levels = pattern.split('/').map((level) => /^\{(\w+)\}$/.exec(level)?.[1]);
  const unknown = levels.filter((name) => name !== undefined && !(name in LEVEL_TAGS));
  if (!levels.includes('twinId') || unknown.length > 0) {
    throw new Error(
      `Topic pattern ${pattern}: needs a {twinId} level; named levels may be {site} and {twinId} only`,
    );
  }
  return {
    filter: pattern
      .split('/')
      .map((level, i) => (levels[i] ? '+' : level))
      .join('/'),
    tags: levels.map((name) => (name ? LEVEL_TAGS[name] : '_')).join('/'),
  };
}
