import { Controller, UseFilters, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RecordedEvent } from '@twinlog/event-log';
import { BATCH_PATTERN, RethrowExceptionFilter } from '@twinlog/nest-transport';
import { TwinDirectory } from '@twinlog/read-models';
import { TELEMETRY_STORE } from '@twinlog/service-kit';
import type { TelemetryStore } from '@twinlog/telemetry-store';
import { TELEMETRY_WRITER_FEED } from '../tokens';
import { telemetryPoints } from './telemetry-points';

/**
 * Copies accepted telemetry from the log into the time-series store (InfluxDB), as its own
 * consumer group. Offsets are committed only after the store acknowledged, so while InfluxDB
 * is down the log is the buffer: the write is retried and the writer catches up once it is back.
 */
// Per controller: in a hybrid app a microservice's global filters do not reach its handlers.
@UseFilters(RethrowExceptionFilter)
@Controller()
export class TelemetryWriterMessageController {
  constructor(
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    private readonly directory: TwinDirectory,
  ) {}

  @EventPattern(BATCH_PATTERN, TELEMETRY_WRITER_FEED)
  async write(@Payload() batch: RecordedEvent[]): Promise<void> {
    const points = telemetryPoints(
      batch.map((r) => r.event),
      (twinId) => this.directory.get(twinId),
    );
    if (points.length > 0) await this.store.write(points);
  }
}
