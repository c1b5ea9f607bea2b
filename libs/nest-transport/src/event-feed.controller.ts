import { Controller, Inject, UseFilters, type Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '@twinlog/domain';
import type { RecordedEvent } from '@twinlog/event-log';
import { BATCH_PATTERN } from './event-log.server';
import { RethrowExceptionFilter } from './rethrow-exception.filter';

/** A read model that folds events (a twin directory, a view of twin-events). */
export interface EventFeedTarget {
  apply(events: EventEnvelope[]): void;
}

/**
 * A message controller that keeps `target` (a provider of the app's module) following the
 * batches of the EventLogServer whose transportId is `feed`.
 */
export function eventFeedController(target: Type<EventFeedTarget>, feed: symbol): Type<unknown> {
  // Per controller: in a hybrid app a microservice's global filters do not reach its handlers.
  @UseFilters(RethrowExceptionFilter)
  @Controller()
  class EventFeedController {
    constructor(@Inject(target) private readonly readModel: EventFeedTarget) {}

    @EventPattern(BATCH_PATTERN, feed)
    onEvents(@Payload() batch: RecordedEvent[]): void {
      this.readModel.apply(batch.map((r) => r.event));
    }
  }
  Object.defineProperty(EventFeedController, 'name', { value: `${target.name}FeedController` });
  return EventFeedController;
}
