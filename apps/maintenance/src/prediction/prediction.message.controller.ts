import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RecordedEvent } from '@twinlog/event-log';
import { BATCH_PATTERN, RethrowExceptionFilter } from '@twinlog/nest-transport';
import { TELEMETRY_FEED } from '../tokens';
import { PredictionWorker } from './prediction-worker';

/** This worker's share of the telemetry partitions (consumer group), batch by batch. */
// Per controller: in a hybrid app a microservice's global filters do not reach its handlers.
@UseFilters(RethrowExceptionFilter)
@Controller()
export class PredictionMessageController {
  constructor(private readonly worker: PredictionWorker) {}

  @EventPattern(BATCH_PATTERN, TELEMETRY_FEED)
  onTelemetry(@Payload() batch: RecordedEvent[]): Promise<void> {
    return this.worker.handle(batch);
  }
}
