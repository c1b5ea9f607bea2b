import { Controller, Inject, UseFilters, type InjectionToken, type Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RecordedEvent } from '@twinlog/event-log';
import { BATCH_PATTERN } from './event-log.server';
import { RethrowExceptionFilter } from './rethrow-exception.filter';

/**
 * A message controller that keeps `model` (a provider of the app's module: a twin directory, a
 * live state) following the batches of the EventLogServer whose transportId is `feed`.
 */
export function eventFeedController<T>(
  model: InjectionToken<T>,
  feed: symbol,
  fold: (model: T, batch: RecordedEvent[]) => void,
): Type<unknown> {
  // Per controller: in a hybrid app a microservice's global filters do not reach its handlers.
  @UseFilters(RethrowExceptionFilter)
  @Controller()
  class EventFeedController {
    constructor(@Inject(model) private readonly readModel: T) {}

    @EventPattern(BATCH_PATTERN, feed)
    onEvents(@Payload() batch: RecordedEvent[]): void {
      fold(this.readModel, batch);
    }
  }
  const name = typeof model === 'function' ? model.name : String(model);
  Object.defineProperty(EventFeedController, 'name', { value: `${name}FeedController` });
  return EventFeedController;
}
