import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RecordedEvent } from '@twinlog/event-log';
import { BATCH_PATTERN } from '@twinlog/nest-transport';
import { DIRECTORY_FEED } from '../tokens';
import { TwinDirectory } from './twin-directory';

/** Keeps the directory following twin-events after its start-up replay. */
@Controller()
export class TwinDirectoryMessageController {
  constructor(private readonly directory: TwinDirectory) {}

  @EventPattern(BATCH_PATTERN, DIRECTORY_FEED)
  onTwinEvents(@Payload() batch: RecordedEvent[]): void {
    this.directory.apply(batch.map((r) => r.event));
  }
}
