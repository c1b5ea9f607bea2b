import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { EventLog } from '@twinlog/event-log';
import { EVENT_LOG } from '@twinlog/service-kit';
import type { TwinStateConfig } from '../config/twin-state.config';
import { TWIN_STATE_CONFIG } from '../tokens';
import { LiveTwins } from './live-twins';

/**
 * Writes snapshots of the twins that changed, every N events or T ms (whichever first), each
 * with the log positions it covers, so a restart replays only what came after.
 */
@Injectable()
export class SnapshotWriter implements OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private lastAt = Date.now();
  private readonly logger = new Logger(SnapshotWriter.name);

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(TWIN_STATE_CONFIG) private readonly config: TwinStateConfig,
    private readonly twins: LiveTwins,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      const { everyEvents, intervalMs } = this.config.snapshots;
      const due =
        this.twins.eventsSinceSnapshot >= everyEvents ||
        (this.twins.changed.size > 0 && Date.now() - this.lastAt >= intervalMs);
      if (due) void this.snapshot();
    }, 500);
    this.timer.unref();
  }

  /** Snapshots every changed twin now; resolves when they are stored. */
  snapshot(): Promise<void> {
    this.writing = this.writing.then(async () => {
      const ids = [...this.twins.changed];
      if (ids.length === 0) return;
      const next = this.twins.positions();
      const takenAt = new Date().toISOString();
      const snapshots = ids.flatMap((twinId) => {
        const state = this.twins.get(twinId);
        return state ? [{ twinId, state, next, takenAt }] : [];
      });
      this.twins.changed.clear();
      // Twins of a partition being taken over: snapshotted once it is caught up, not half-way.
      for (const id of ids) if (this.twins.takingOver(id)) this.twins.changed.add(id);
      this.twins.eventsSinceSnapshot = 0;
      this.lastAt = Date.now();
      try {
        await this.log.snapshots.save(snapshots);
      } catch (error) {
        // Nothing is lost: the log still holds every event; mark them to be snapshotted again.
        ids.forEach((id) => this.twins.changed.add(id));
        this.logger.warn(`snapshot of ${ids.length} twins failed: ${(error as Error).message}`);
      }
    });
    return this.writing;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.writing;
  }
}
