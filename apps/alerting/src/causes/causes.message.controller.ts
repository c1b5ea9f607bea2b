import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RecordedEvent } from '@twinlog/event-log';
import { BATCH_PATTERN, RethrowExceptionFilter } from '@twinlog/nest-transport';
import { AlertDecisions } from '../engine/alert-decisions';
import { CAUSES_FEED, SILENCE_FEED } from '../tokens';

/**
 * The service's two consumer groups: twin-events (findings that open or clear causes, each
 * decided and appended before the batch commits) and telemetry (only when each twin last
 * reported, for the silence watcher).
 */
// Per controller: in a hybrid app a microservice's global filters do not reach its handlers.
@UseFilters(RethrowExceptionFilter)
@Controller()
export class CausesMessageController {
  constructor(private readonly decisions: AlertDecisions) {}

  @EventPattern(BATCH_PATTERN, CAUSES_FEED)
  onTwinEvents(@Payload() batch: RecordedEvent[]): Promise<void> {
    return this.decisions.onCauses(batch);
  }

  @EventPattern(BATCH_PATTERN, SILENCE_FEED)
  onTelemetry(@Payload() batch: RecordedEvent[]): void {
    this.decisions.onReadings(batch);
  }
}
