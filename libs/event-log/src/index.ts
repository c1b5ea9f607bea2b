export * from './event-log.port';
export { SqliteEventLog } from './embedded/sqlite-event-log';
export { mergeByRecordTime } from './shared/merge-streams';
