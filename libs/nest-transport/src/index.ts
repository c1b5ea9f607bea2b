export { EventLogServer, BATCH_PATTERN, type EventLogServerOptions } from './event-log.server';
export { EventLogContext } from './event-log.context';
export { RethrowExceptionFilter } from './rethrow-exception.filter';
