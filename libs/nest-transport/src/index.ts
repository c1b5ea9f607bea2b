export { EventLogServer, BATCH_PATTERN, type EventLogServerOptions } from './event-log.server';
export { RethrowExceptionFilter } from './rethrow-exception.filter';
export { eventFeedController } from './event-feed.controller';
