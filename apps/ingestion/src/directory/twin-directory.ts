import { Inject, Injectable, Logger } from '@nestjs/common';
import type { LogPosition } from '@twinlog/event-log';
import { TwinDirectory as SharedTwinDirectory, type Infrastructure } from '@twinlog/service-kit';
import { INFRASTRUCTURE } from '../tokens';

/** The twins ingestion validates against (see the shared TwinDirectory in libs/service-kit). */
@Injectable()
export class TwinDirectory extends SharedTwinDirectory {
  private readonly logger = new Logger(TwinDirectory.name);

  constructor(@Inject(INFRASTRUCTURE) private readonly infra: Infrastructure) {
    super();
  }

  /** Replays twin-events to its end; returns where the live feed should continue. */
  async replayToEnd(): Promise<LogPosition[]> {
    const started = Date.now();
    const { next, events } = await this.catchUp(this.infra.log);
    this.logger.log(
      `twin directory ready: ${this.size} twins from ${events} events in ${Date.now() - started} ms`,
    );
    return next;
  }
}
