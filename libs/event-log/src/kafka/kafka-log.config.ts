import { STREAMS, type StreamName } from '@twinlog/domain';
import type { TelemetryEncoding } from '../shared/event-codec';
import type { KafkaSecurity } from './kafka-security';
import { warnOnStderr } from '../shared/warn-on-stderr';

/** Settings of the Kafka event log; apps build this from their typed, validated configuration. */
export interface KafkaLogConfig {
  brokers: string[];
  clientId: string;
  /** SASL and TLS of every client the log opens (the replay fetch thread's too); none by default. */
  security: KafkaSecurity;
  /** Prefix of every topic name, so several Twinlog installations (or test runs) share a cluster. */
  topicPrefix: string;
  /** Partitions of the event topics, created if missing: the ceiling on consumer parallelism. */
  partitions: number;
  replicationFactor: number;
  /**
   * Where the local stream index lives (a node:sqlite file, or ':memory:'): it answers
   * readStream, expected-revision checks and duplicate ids, and can be rebuilt from the log.
   */
  indexPath: string;
  /**
   * How long a silent group member keeps its partitions before the group moves them: the
   * takeover delay after a worker crash. Short in tests; 30 s is Kafka's usual default.
   */
  sessionTimeoutMs: number;
  /** How long a rebalance waits for members to rejoin. */
  rebalanceTimeoutMs: number;
  /**
   * Check the stream index for ids already in the log before producing. High-volume producers
   * that de-duplicate upstream (ingestion, by reading id) turn it off and skip the index.
   */
  dedupeOnAppend: boolean;
  /**
   * The streams the local index follows: every stream by default. It answers readStream for
   * those streams only, and finds duplicate ids and revisions only there. A service that reads
   * no twin's telemetry stream and de-duplicates only its own twin-events (anomaly,
   * maintenance) indexes twin-events alone and so never pays for indexing the telemetry volume;
   * one that appends alerts and relies on the log dropping a repeated decision (alerting)
   * indexes 'alerts' too.
   */
  indexedStreams: readonly StreamName[];
  /**
   * How often (at most, and only when read) the running index checks in the background that
   * the log is still the one it indexed: the cluster id and the oldest message it holds per
   * partition (a topic recreated under it). One short read per partition each time.
   */
  indexCheckIntervalMs: number;
  /**
   * How TelemetryReported is written: 'json' (the default), which any consumer can read,
   * 'compact' bytes: less than half the size, faster to write and to replay (ADR 0009), or
   * 'compact-v2', a sixth of 'compact' (ADR 0024; older readers refuse it). Readers take all.
   */
  telemetryEncoding: TelemetryEncoding;
  /**
   * Replays of at least this many events fetch on a worker thread, overlapping kafkajs' protocol
   * decoding with decoding and folding the events here (a rebuild runs about 1.5 times as fast
   * on two cores). Smaller ones, where starting the thread would dominate, fetch here.
   */
  replayWorkerMinEvents: number;
  /** kafkajs' own log level; its connection errors during a broker restart are noisy at 'error'. */
  clientLogLevel: 'nothing' | 'error' | 'warn' | 'info';
  /** Where the adapter's own warnings go (a stale stream index being rebuilt): the service's logger. */
  warn: (message: string) => void;
}

export const DEFAULT_KAFKA_LOG_CONFIG: Omit<KafkaLogConfig, 'brokers'> = {
  clientId: 'twinlog',
  security: {},
  topicPrefix: 'twinlog.',
  partitions: 6,
  replicationFactor: 1,
  indexPath: ':memory:',
  sessionTimeoutMs: 30_000,
  rebalanceTimeoutMs: 60_000,
  clientLogLevel: 'warn',
  dedupeOnAppend: true,
  indexedStreams: STREAMS,
  indexCheckIntervalMs: 60_000,
  telemetryEncoding: 'json',
  replayWorkerMinEvents: 50_000,
  warn: warnOnStderr,
};
