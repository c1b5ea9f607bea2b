import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@twinlog/domain';
import { TwinDirectory } from '@twinlog/read-models';
import { ComponentHistory, type HistoryEntry } from './component-history';

/**
 * What this service knows from twin-events, every instance all of it: the twins (limits,
 * model, hierarchy, latest prediction) and each twin's maintenance and anomaly history. The
 * service host replays the stream into it at start (readiness waits), then keeps it following.
 */
@Injectable()
export class TwinEventsView {
  readonly directory = new TwinDirectory();
  readonly history = new ComponentHistory();
  private listeners: Array<(added: Array<{ twinId: string; entry: HistoryEntry }>) => void> = [];

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
