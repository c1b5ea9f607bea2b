import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RecordedEvent } from '@twinlog/event-log';
import { BATCH_PATTERN, RethrowExceptionFilter } from '@twinlog/nest-transport';
import { TwinDirectory } from '@twinlog/service-kit';
import { DIRECTORY_FEED } from '../tokens';

/** Keeps the directory (models, limits, status of every twin) following twin-events. */
// Per controller: in a hybrid app a microservice's global filters do not reach its handlers.
@UseFilters(RethrowExceptionFilter)
@Controller()
export class TwinDirectoryMessageController {
  constructor(private readonly directory: TwinDirectory) {}

  @EventPattern(BATCH_PATTERN, DIRECTORY_FEED)
  onTwinEvents(@Payload() batch: RecordedEvent[]): void {
    this.directory.apply(batch.map((r) => r.event));
  }
}
