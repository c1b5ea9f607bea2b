import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RecordedEvent } from '@twinlog/event-log';
import { BATCH_PATTERN, RethrowExceptionFilter } from '@twinlog/nest-transport';
import { TWIN_EVENTS_FEED } from '../tokens';
import { TwinEventsView } from './twin-events-view';

/** Keeps the twins and their maintenance and anomaly history following twin-events. */
// Per controller: in a hybrid app a microservice's global filters do not reach its handlers.
@UseFilters(RethrowExceptionFilter)
@Controller()
export class TwinEventsMessageController {
  constructor(private readonly view: TwinEventsView) {}

  @EventPattern(BATCH_PATTERN, TWIN_EVENTS_FEED)
  onTwinEvents(@Payload() batch: RecordedEvent[]): void {
    this.view.apply(batch.map((r) => r.event));
  }
}
