import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@twinlog/domain';
import type { LogPosition } from '@twinlog/event-log';
import { TwinDirectory, type Infrastructure } from '@twinlog/service-kit';
import { INFRASTRUCTURE } from '../tokens';
import { ComponentHistory, type HistoryEntry } from './component-history';

/**
 * What this service knows from twin-events, every instance all of it: the twins (limits,
 * model, hierarchy, latest prediction) and each twin's maintenance and anomaly history. It
 * replays the stream at start (readiness waits), then follows it through a broadcast feed.
 */
@Injectable()
export class TwinEventsView {
  readonly directory = new TwinDirectory();
  readonly history = new ComponentHistory();
  private caughtUp = false;
  private listeners: Array<(added: Array<{ twinId: string; entry: HistoryEntry }>) => void> = [];

  constructor(@Inject(INFRASTRUCTURE) private readonly infra: Infrastructure) {}

  /** Replays twin-events to its end; returns where the live feed continues and how many events. */
  async catchUp(): Promise<{ next: LogPosition[]; events: number }> {
    const { next, events } = await this.infra.log.replay(
      { streams: ['twin-events'] },
      async (batch) => this.apply(batch.map((r) => r.event)),
    );
    this.caughtUp = true;
    return { next, events };
  }

  get ready(): boolean {
    return this.caughtUp;
  }

  apply(events: EventEnvelope[]): void {
    this.directory.apply(events);
    const added = this.history.apply(events);
    if (added.length > 0) for (const listener of this.listeners) listener(added);
  }

  /** Called with the maintenance and anomaly entries of every batch applied from now on. */
  onHistory(listener: (added: Array<{ twinId: string; entry: HistoryEntry }>) => void): void {
    this.listeners.push(listener);
  }
}
