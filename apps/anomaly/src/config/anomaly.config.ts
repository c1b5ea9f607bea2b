import { z } from 'zod';
import { AllowedHosts, intFrom, listOf, type Env, readServiceSettings } from '@twinlog/service-kit';

/** Every setting of the anomaly service, with its default and why. */
const schema = z.object({
  // Loopback: wider (0.0.0.0 in a container) only where the deployment says so.
  ANOMALY_HTTP_HOST: z.string().default('127.0.0.1'),
  ANOMALY_HTTP_PORT: intFrom(0, 8083),
  // Workers of one group share the telemetry partitions; a second deployment (say, a shadow
  // with new settings) takes a group of its own.
  ANOMALY_GROUP: z.string().min(1).default('anomaly'),
  // Readings judged per batch: larger batches amortise the append, smaller ones cut latency.
  ANOMALY_MAX_BATCH: intFrom(1, 2_000),
  // Partitions judged at the same time by one worker (Kafka): a batch waits on its append, and
  // other partitions' readings should not queue behind it.
  ANOMALY_CONCURRENT_PARTITIONS: intFrom(1, 4),
  // A reading can arrive before the broadcast feed delivered its twin's registration.
  ANOMALY_DIRECTORY_WAIT_MS: intFrom(0, 5_000),
  // The AI second opinion (docs/ai.md): opt-in per twin type; empty keeps it off. Each type must
  // be in the model catalogue (checked when the worker starts).
  TWINLOG_AI_SECOND_OPINION_TYPES: listOf('').pipe(
    z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'a twin type name')).max(100),
  ),
  // One ask per twin per window of this much event time: a twin's readings cost at most one
  // request per window, whatever its reporting rate.
  TWINLOG_AI_SECOND_OPINION_INTERVAL_S: intFrom(10, 900, 7 * 24 * 3600),
  // Asks per worker per hour (wall clock): the bill of a plant of many twins is bounded. The
  // default fits the day's share (TWINLOG_AI_SECOND_OPINION_DAILY_TOKENS, 300,000): a whole ask
  // (instructions, window, the 600-token answer cap) of ~3,650 tokens × 3 an hour × 24 h ≈
  // 263,000 (docs/ai.md; second-opinion-ask.unit.spec checks it).
  TWINLOG_AI_SECOND_OPINION_PER_HOUR: intFrom(1, 3, 100_000),
  // Windows waiting for the model; one more is skipped (and counted), never waited for.
  TWINLOG_AI_SECOND_OPINION_QUEUE: intFrom(1, 20, 1_000),
});

export type AnomalyConfig = ReturnType<typeof readAnomalyConfig>;

export function readAnomalyConfig(env: Env) {
  const [service, raw] = readServiceSettings(env, schema);
  return {
    service,
    http: {
      host: raw.ANOMALY_HTTP_HOST,
      allowedHosts: AllowedHosts.of(service.allowedHosts, raw.ANOMALY_HTTP_HOST),
      port: raw.ANOMALY_HTTP_PORT,
    },
    group: raw.ANOMALY_GROUP,
    maxBatch: raw.ANOMALY_MAX_BATCH,
    concurrentPartitions: raw.ANOMALY_CONCURRENT_PARTITIONS,
    directoryWaitMs: raw.ANOMALY_DIRECTORY_WAIT_MS,
    secondOpinion: {
      twinTypes: [...new Set(raw.TWINLOG_AI_SECOND_OPINION_TYPES)],
      intervalMs: raw.TWINLOG_AI_SECOND_OPINION_INTERVAL_S * 1000,
      perHour: raw.TWINLOG_AI_SECOND_OPINION_PER_HOUR,
      queue: raw.TWINLOG_AI_SECOND_OPINION_QUEUE,
    },
  };
}
