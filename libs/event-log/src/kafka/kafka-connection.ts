import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import type { StreamName } from '@twinlog/domain';
import { DEFAULT_KAFKA_LOG_CONFIG, type KafkaLogConfig } from './kafka-log.config';
import { explainKafkaConnectError, kafkaClientSecurity } from './kafka-security';
import { ensureTopics, topicNames, type TopicNames } from './kafka-topics';

const KAFKAJS_LOG_LEVEL = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
};

/** A connected Kafka client with the log's topics in place. */
export interface KafkaConnection {
  kafka: Kafka;
  admin: Admin;
  /** Idempotent, acks=all, one request in flight: appends keep their order. */
  producer: Producer;
  names: TopicNames;
  /** Each stream topic's partition count, as the broker has it. */
  partitions: Record<StreamName, number>;
  settings: KafkaLogConfig;
}

/** Connects the admin client and the producer, creating the topics that are missing. */
export async function connectKafka(
  config: Partial<KafkaLogConfig> & Pick<KafkaLogConfig, 'brokers'>,
): Promise<KafkaConnection> {
  const settings = { ...DEFAULT_KAFKA_LOG_CONFIG, ...config };
  const kafka = new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: KAFKAJS_LOG_LEVEL[settings.clientLogLevel],
    ...kafkaClientSecurity(settings.security),
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    await admin.disconnect().catch(() => undefined);
    throw explainKafkaConnectError(error, settings.security);
  }
  const names = topicNames(settings.topicPrefix);
  await ensureTopics(admin, names, settings.partitions, settings.replicationFactor);
  const metadata = await admin.fetchTopicMetadata({
    topics: [names.stream['twin-events'], names.stream.telemetry, names.stream.alerts],
  });
  const count = (topic: string) =>
    metadata.topics.find((t) => t.name === topic)?.partitions.length ?? settings.partitions;
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const partitions = {
    'twin-events': count(names.stream['twin-events']),
    telemetry: count(names.stream.telemetry),
    alerts: count(names.stream.alerts),
  };
  return { kafka, admin, producer, names, partitions, settings };
}
