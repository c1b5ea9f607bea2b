export * from './event-log.port';
export { SqliteEventLog } from './embedded/sqlite-event-log';
export type { EmbeddedSync } from './sqlite-index/sqlite-schema';
export { KafkaEventLog } from './kafka/kafka-event-log';
export { DEFAULT_KAFKA_LOG_CONFIG, type KafkaLogConfig } from './kafka/kafka-log.config';
export {
  kafkaClientSecurity,
  SASL_MECHANISMS,
  type KafkaSecurity,
  type SaslMechanism,
} from './kafka/kafka-security';
export { topicNames, topicSpecs, type TopicNames, type TopicSpec } from './kafka/kafka-topics';
export { mergeByRecordTime } from './shared/merge-streams';
export { decodeStoredEvent, type TelemetryEncoding } from './shared/event-codec';
export { IndexBehindError, StaleIndexError } from './kafka/stream-index-errors';
export * from './consumer/partition-progress';
export * from './consumer/stateful-stream-consumer';
export { capDeadLetter, DEAD_LETTER_PAYLOAD_BYTES } from './shared/dead-letter-cap';
export {
  assignPartitions,
  isWholeMap,
  ownedBySelf,
  ownerOf,
  type OwnerMember,
  type OwnershipMap,
  type PartitionOwner,
} from './ownership/partition-owners';
