export * from './event-log.port';
export { SqliteEventLog } from './embedded/sqlite-event-log';
export { KafkaEventLog } from './kafka/kafka-event-log';
export { DEFAULT_KAFKA_LOG_CONFIG, type KafkaLogConfig } from './kafka/kafka-log.config';
export { topicNames, type TopicNames } from './kafka/kafka-topics';
export { mergeByRecordTime } from './shared/merge-streams';
export { shutdownOnSignals, type Closeable, type ShutdownOptions } from './shutdown-on-signals';
export { IndexBehindError } from './kafka/kafka-stream-index';
export * from './consumer/partition-progress';
