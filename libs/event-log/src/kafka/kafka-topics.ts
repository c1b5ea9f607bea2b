import type { Admin } from 'kafkajs';
import type { StreamName } from '@twinlog/domain';
import { isRetriable, retryRetriable } from './retry-retriable';

/**
 * The topics (docs/adr/0002): one per stream, keyed by twin id, plus dead letters, a
 * compacted snapshot topic that keeps the latest snapshot per twin, a compacted topic of
 * API keys that keeps the latest record per key id, and a compacted topic of simulation jobs.
 */
export interface TopicNames {
  /** The installation's prefix: on topics, and on consumer groups, so installations sharing a cluster never share a group. */
  prefix: string;
  stream: Record<StreamName, string>;
  deadLetter: string;
  snapshots: string;
  accessKeys: string;
  /** Simulation jobs (status, progress, results), which every simulation replica reads. */
  simulationJobs: string;
}

export function topicNames(prefix: string): TopicNames {
  return {
    prefix,
    stream: {
      'twin-events': `${prefix}twin-events`,
      telemetry: `${prefix}telemetry`,
      alerts: `${prefix}alerts`,
    },
    deadLetter: `${prefix}dead-letter`,
    snapshots: `${prefix}snapshots`,
    accessKeys: `${prefix}access-keys`,
    simulationJobs: `${prefix}simulation-jobs`,
  };
}

export function streamOfTopic(names: TopicNames, topic: string): StreamName {
  if (topic === names.stream.telemetry) return 'telemetry';
  if (topic === names.stream['twin-events']) return 'twin-events';
  if (topic === names.stream.alerts) return 'alerts';
  throw new Error(`${topic} is not an event stream topic`);
}

/** A topic as the services create it: what k8s/kafka/topics.yaml must say too. */
export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  configEntries: Array<{ name: string; value: string }>;
}

/** Every topic of an installation, with its partitions and settings. */
export function topicSpecs(
  names: TopicNames,
  partitions: number,
  replicationFactor: number,
): TopicSpec[] {
  // The event topics are the truth: never delete by age or size, whatever the broker default.
  const keepForever = [
    { name: 'retention.ms', value: '-1' },
    { name: 'retention.bytes', value: '-1' },
  ];
  return [
    {
      topic: names.stream['twin-events'],
      numPartitions: partitions,
      replicationFactor,
      configEntries: keepForever,
    },
    {
      topic: names.stream.telemetry,
      numPartitions: partitions,
      replicationFactor,
      configEntries: keepForever,
    },
    {
      topic: names.stream.alerts,
      numPartitions: partitions,
      replicationFactor,
      configEntries: keepForever,
    },
    { topic: names.deadLetter, numPartitions: 1, replicationFactor, configEntries: keepForever },
    {
      topic: names.snapshots,
      numPartitions: partitions,
      replicationFactor,
      configEntries: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'min.cleanable.dirty.ratio', value: '0.1' },
      ],
    },
    {
      // One partition: a few thousand small records, read whole by every check of a key.
      // Compacted only (no 'delete' policy), so no record expires by age or size.
      topic: names.accessKeys,
      numPartitions: 1,
      replicationFactor,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    },
    {
      // One partition: a few hundred jobs, read whole by each simulation replica, in order (a
      // large result's parts before its head). Compacted: the latest record per job.
      topic: names.simulationJobs,
      numPartitions: 1,
      replicationFactor,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    },
  ];
}

/** Creates missing topics; existing ones are left as they are. */
export async function ensureTopics(
  admin: Admin,
  names: TopicNames,
  partitions: number,
  replicationFactor: number,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const wanted = topicSpecs(names, partitions, replicationFactor).filter(
    (t) => !existing.has(t.topic),
  );
  if (wanted.length === 0) return;
  try {
    await admin.createTopics({ topics: wanted, waitForLeaders: true });
  } catch (error) {
    // kafkajs' wait for leaders gives up on "does not host this topic-partition", which a busy
    // broker answers for a moment after creating a topic; a topic another client created in
    // the same moment is fine too. Anything else is a real failure.
    const alreadyThere = (error as { type?: string }).type === 'TOPIC_ALREADY_EXISTS';
    if (!alreadyThere && !isRetriable(error)) throw error;
  }
  await waitForLeaders(
    admin,
    wanted.map((t) => t.topic),
  );
}

/** Resolves once every partition of the topics has a leader, retrying while the broker settles. */
async function waitForLeaders(admin: Admin, topics: string[]): Promise<void> {
  await retryRetriable(
    async () => {
      const { topics: described } = await admin.fetchTopicMetadata({ topics });
      const leaderless = described.filter(
        (t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0),
      );
      if (leaderless.length > 0) {
        throw Object.assign(
          new Error(`Topics without partition leaders yet: ${leaderless.map((t) => t.name)}`),
          { retriable: true },
        );
      }
    },
    { attempts: 20 },
  );
}
