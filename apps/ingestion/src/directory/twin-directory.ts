import { Inject, Injectable, Logger } from '@nestjs/common';
import { TwinProjection, type EventEnvelope, type TwinState } from '@twinlog/domain';
import type { LogPosition } from '@twinlog/event-log';
import type { Infrastructure } from '@twinlog/service-kit';
import { INFRASTRUCTURE } from '../tokens';

/**
 * The twins ingestion validates against: every instance folds the whole twin-events stream
 * (registrations, model changes, retirements; small next to telemetry) into memory. It first
 * replays the stream to its end (readiness waits for that), then follows it through a
 * broadcast subscription; folding is idempotent, so events seen twice change nothing.
 */
@Injectable()
export class TwinDirectory {
  private readonly projection = new TwinProjection();
  private caughtUp = false;
  private readonly logger = new Logger(TwinDirectory.name);

  constructor(@Inject(INFRASTRUCTURE) private readonly infra: Infrastructure) {}

  /** Replays twin-events to its end; returns where the live feed should continue. */
  async catchUp(): Promise<LogPosition[]> {
    const started = Date.now();
    const { events, next } = await this.infra.log.replay(
      { streams: ['twin-events'] },
      async (batch) => this.apply(batch.map((r) => r.event)),
    );
    this.caughtUp = true;
    this.logger.log(
      `twin directory ready: ${this.projection.size} twins from ${events} events in ${Date.now() - started} ms`,
    );
    return next;
  }

  get ready(): boolean {
    return this.caughtUp;
  }

  apply(events: EventEnvelope[]): void {
    this.projection.apply(events.filter((e) => e.type !== 'TelemetryReported'));
  }

  get(twinId: string): TwinState | undefined {
    return this.projection.get(twinId);
  }

  get size(): number {
    return this.projection.size;
  }
}
