import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { SEED_MODELS_DIR } from '@twinlog/model-files';
import { readAuthSettings } from '../auth/auth.config';
import { readAiSettings } from './ai.config';
import { hostNameOf } from '../http/allowed-hosts';
import type { HttpTimeouts } from '../http/http-timeouts';
import { collectProblems, intFrom, listOf, parseEnv, ConfigError, type Env } from './env-parsing';
import { kafkaSecuritySettings, readKafkaSecurity } from './kafka-security.config';
import { readSecret } from './secret-setting';

/**
 * What every Twinlog service needs to reach the log, the telemetry store and the twin models.
 * Each key has a default that suits the embedded mode on one machine, and an env override.
 */
const schema = z.object({
  // embedded: node:sqlite files under TWINLOG_DATA_DIR; distributed: Kafka and InfluxDB.
  TWINLOG_MODE: z.enum(['embedded', 'distributed']).default('embedded'),
  TWINLOG_DATA_DIR: z.string().default(join(homedir(), '.local', 'share', 'twinlog')),
  // The embedded log's SQLite `synchronous`. normal: an acknowledged append survives a process
  // kill, but a power cut may lose the last commits; full: it survives both, at a cost per
  // commit (RELIABILITY.md).
  TWINLOG_EMBEDDED_SYNC: z.enum(['normal', 'full']).default('normal'),
  TWINLOG_MODELS_DIR: z.string().default(SEED_MODELS_DIR),
  KAFKA_BROKERS: listOf('').optional(),
  // Lets several installations (or test runs) share one Kafka cluster.
  TWINLOG_TOPIC_PREFIX: z.string().default('twinlog.'),
  // Partitions of the event topics when Twinlog creates them: the ceiling on consumer parallelism.
  TWINLOG_PARTITIONS: intFrom(1, 6),
  // Kafka's usual 30 s: how long a silent worker keeps its partitions before the group moves them.
  KAFKA_SESSION_TIMEOUT_MS: intFrom(1000, 30_000),
  // kafkajs' own logging; its connection errors during a broker restart are loud at 'error'.
  KAFKA_CLIENT_LOG_LEVEL: z.enum(['nothing', 'error', 'warn', 'info']).default('warn'),
  // json: telemetry events readable by any consumer; compact: half the bytes, faster (ADR 0009);
  // compact-v2: a sixth of compact, once every service reads it (ADR 0024).
  TWINLOG_TELEMETRY_ENCODING: z.enum(['compact', 'compact-v2', 'json']).default('json'),
  // Replays of at least this many events fetch on a second thread (ADR 0010); on a single CPU,
  // set it above the log's size to keep replays on one thread.
  TWINLOG_REPLAY_THREAD_MIN_EVENTS: intFrom(0, 50_000),
  INFLUX_URL: z.string().url().optional(),
  // A token scoped to the bucket (read and write), not the operator's; or INFLUX_TOKEN_FILE, a
  // mounted secret (readSecret checks the pair).
  INFLUX_TOKEN: z.string().optional(),
  INFLUX_TOKEN_FILE: z.string().optional(),
  INFLUX_ORG: z.string().optional(),
  INFLUX_BUCKET: z.string().default('telemetry'),
  // SASL (SCRAM-SHA-512/256, PLAIN) and TLS to Kafka: TWINLOG_KAFKA_SASL_MECHANISM, _USERNAME,
  // _PASSWORD or _PASSWORD_FILE, _TLS (on/off), _TLS_CA_FILE, _TLS_CERT_FILE, _TLS_KEY_FILE.
  ...kafkaSecuritySettings('TWINLOG_KAFKA_'),
  // auto: readable lines on a terminal, one JSON object per line when collected (Kubernetes).
  TWINLOG_LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
});

const httpSchema = z.object({
  // HTTP servers (each service's and the gateway's): how long a client may take to send its
  // headers, its whole request (headers and body), how long an idle keep-alive connection and a
  // silent socket are held. Node's own defaults (300 s for a request) let slow or abandoned
  // requests hold file descriptors for minutes.
  TWINLOG_HTTP_HEADERS_TIMEOUT_MS: intFrom(100, 20_000),
  TWINLOG_HTTP_REQUEST_TIMEOUT_MS: intFrom(100, 60_000),
  TWINLOG_HTTP_KEEP_ALIVE_TIMEOUT_MS: intFrom(100, 5_000),
  TWINLOG_HTTP_IDLE_TIMEOUT_MS: intFrom(100, 60_000),
});

/** Names in TWINLOG_ALLOWED_HOSTS, each as hostNameOf gives it (`*` kept as is). */
const hostNames = z
  .string()
  .default('')
  .transform((text, ctx) =>
    text
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .flatMap((entry) => {
        const name = entry === '*' ? '*' : hostNameOf(entry);
        if (name !== undefined) return [name];
        ctx.addIssue({
          code: 'custom',
          message: `${JSON.stringify(entry)} is not a host name: give names such as twinlog.plant.example or 10.0.0.5 (a port is ignored), without scheme or path, or * for any`,
        });
        return [];
      }),
  );

const webSchema = z.object({
  // The names clients reach the HTTP servers by (each service's and the gateway's), beyond the
  // loopback names and the name a server binds to, which are always allowed: comma-separated,
  // ports ignored, `*` for any. Any other Host is refused (421), so that a page of another
  // site cannot reach Twinlog through a name of its own pointed at it (DNS rebinding).
  TWINLOG_ALLOWED_HOSTS: hostNames,
});

/** TWINLOG_ALLOWED_HOSTS (the gateway reads it too); see AllowedHosts.of for the defaults. */
export function readAllowedHostNames(env: Env): string[] {
  return parseEnv(webSchema, env).TWINLOG_ALLOWED_HOSTS;
}

/** The HTTP servers' timeouts (the gateway reads them too). */
export function readHttpTimeouts(env: Env): HttpTimeouts {
  const raw = parseEnv(httpSchema, env);
  return {
    headersTimeoutMs: raw.TWINLOG_HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: raw.TWINLOG_HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: raw.TWINLOG_HTTP_KEEP_ALIVE_TIMEOUT_MS,
    idleTimeoutMs: raw.TWINLOG_HTTP_IDLE_TIMEOUT_MS,
  };
}

export type ServiceConfig = ReturnType<typeof readServiceConfig>;

export function readServiceConfig(env: Env) {
  const raw = parseEnv(schema, env);
  const http = readHttpTimeouts(env);
  const base = {
    modelsDir: raw.TWINLOG_MODELS_DIR,
    dataDir: raw.TWINLOG_DATA_DIR,
    logFormat: raw.TWINLOG_LOG_FORMAT,
    http,
    auth: readAuthSettings(env),
    allowedHosts: readAllowedHostNames(env),
    // The AI layer's (issue 22); opened with the ports, handed to services that say usesAi.
    ai: readAiSettings(env, http.idleTimeoutMs),
  };
  if (raw.TWINLOG_MODE === 'embedded')
    return { ...base, mode: 'embedded' as const, sync: raw.TWINLOG_EMBEDDED_SYNC };
  const problems: string[] = [];
  const security = readKafkaSecurity(env, 'TWINLOG_KAFKA_', problems);
  const influxToken = readSecret(env, 'INFLUX_TOKEN', problems);
  if (!raw.KAFKA_BROKERS?.length)
    problems.push(
      'KAFKA_BROKERS is required when TWINLOG_MODE=distributed (e.g. kafka-0:9092,kafka-1:9092)',
    );
  if (!raw.INFLUX_URL)
    problems.push(
      'INFLUX_URL is required when TWINLOG_MODE=distributed (e.g. http://influxdb:8086)',
    );
  if (!influxToken && !problems.some((p) => p.startsWith('INFLUX_TOKEN')))
    problems.push('INFLUX_TOKEN (or INFLUX_TOKEN_FILE) is required when TWINLOG_MODE=distributed');
  if (!raw.INFLUX_ORG) problems.push('INFLUX_ORG is required when TWINLOG_MODE=distributed');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...base,
    mode: 'distributed' as const,
    kafka: {
      brokers: raw.KAFKA_BROKERS!,
      security,
      topicPrefix: raw.TWINLOG_TOPIC_PREFIX,
      partitions: raw.TWINLOG_PARTITIONS,
      sessionTimeoutMs: raw.KAFKA_SESSION_TIMEOUT_MS,
      clientLogLevel: raw.KAFKA_CLIENT_LOG_LEVEL,
      telemetryEncoding: raw.TWINLOG_TELEMETRY_ENCODING,
      replayWorkerMinEvents: raw.TWINLOG_REPLAY_THREAD_MIN_EVENTS,
    },
    influx: {
      url: raw.INFLUX_URL!,
      token: influxToken!,
      org: raw.INFLUX_ORG!,
      bucket: raw.INFLUX_BUCKET,
    },
  };
}

/**
 * A service's whole configuration: the shared settings and its own schema's, both read before
 * either complains, so one start-up names every bad setting.
 */
export function readServiceSettings<S extends z.ZodObject>(
  env: Env,
  own: S,
): [ServiceConfig, z.infer<S>] {
  return collectProblems(
    () => readServiceConfig(env),
    () => parseEnv(own, env),
  );
}
