import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RecordedEvent } from '@twinlog/event-log';
import { BATCH_PATTERN, RethrowExceptionFilter } from '@twinlog/nest-transport';
import { TwinDirectory } from '@twinlog/read-models';
import type { InfluxLimitsWriter } from '@twinlog/telemetry-store';
import { LIMITS_WRITER, LIMITS_WRITER_FEED } from '../tokens';
import { limitSnapshots } from './limit-snapshots';

/**
 * Copies each twin's limits, as they change, from twin-events into InfluxDB's `twin_limits`
 * (distributed mode), so a Grafana panel can draw a property with the limits it had at each
 * moment (docs/grafana.md). Its own consumer group; offsets committed after InfluxDB took them.
 */
@UseFilters(RethrowExceptionFilter)
@Controller()
export class LimitsWriterMessageController {
  constructor(
    @Inject(LIMITS_WRITER) private readonly writer: InfluxLimitsWriter,
    private readonly directory: TwinDirectory,
  ) {}

  @EventPattern(BATCH_PATTERN, LIMITS_WRITER_FEED)
  async write(@Payload() batch: RecordedEvent[]): Promise<void> {
    await this.writer.write(
      limitSnapshots(
        batch.map((r) => r.event),
        (twinId) => this.directory.get(twinId),
      ),
    );
  }
}
