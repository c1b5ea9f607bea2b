export { EventLogServer, BATCH_PATTERN, type EventLogServerOptions } from './event-log.server';
export { RethrowExceptionFilter } from './rethrow-exception.filter';
export { eventFeedController, type EventFeedTarget } from './event-feed.controller';
