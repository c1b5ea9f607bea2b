import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RecordedEvent } from '@twinlog/event-log';
import { BATCH_PATTERN, RethrowExceptionFilter } from '@twinlog/nest-transport';
import { DETECTION_FEED } from '../tokens';
import { DetectionWorker } from './detection-worker';

/** This worker's share of the telemetry partitions, judged batch by batch. */
// Per controller: in a hybrid app a microservice's global filters do not reach its handlers.
@UseFilters(RethrowExceptionFilter)
@Controller()
export class DetectionMessageController {
  constructor(private readonly worker: DetectionWorker) {}

  @EventPattern(BATCH_PATTERN, DETECTION_FEED)
  async onTelemetry(@Payload() batch: RecordedEvent[]): Promise<void> {
    await this.worker.handle(batch);
  }
}
