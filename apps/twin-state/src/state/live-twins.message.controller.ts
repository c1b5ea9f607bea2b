import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RecordedEvent } from '@twinlog/event-log';
import { BATCH_PATTERN, RethrowExceptionFilter } from '@twinlog/nest-transport';
import { LIVE_FEED } from '../tokens';
import { LiveTwins } from './live-twins';

/** Folds every new event (both streams) into the live state. */
@UseFilters(RethrowExceptionFilter)
@Controller()
export class LiveTwinsMessageController {
  constructor(private readonly twins: LiveTwins) {}

  @EventPattern(BATCH_PATTERN, LIVE_FEED)
  onEvents(@Payload() batch: RecordedEvent[]): void {
    this.twins.apply(batch);
  }
}
