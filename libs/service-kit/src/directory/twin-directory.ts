import { EventEmitter } from 'node:events';
import { TwinProjection, type EventEnvelope, type TwinState } from '@twinlog/domain';
import type { EventLog, LogPosition } from '@twinlog/event-log';

/**
 * The twins a service needs to know about (their type, model version, limits, status): every
 * instance folds the whole twin-events stream (registrations, model changes, retirements; small
 * next to telemetry) into memory. It first replays the stream to its end (readiness waits for
 * that), then follows it through a broadcast subscription; folding is idempotent, so events
 * seen twice change nothing.
 */
export class TwinDirectory {
  private readonly projection = new TwinProjection();
  private readonly changed = new EventEmitter().setMaxListeners(0);
  private caughtUp = false;

  /** Replays twin-events to its end; returns where the live feed should continue. */
  async catchUp(log: EventLog): Promise<{ next: LogPosition[]; events: number }> {
    const { events, next } = await log.replay({ streams: ['twin-events'] }, async (batch) =>
      this.apply(batch.map((r) => r.event)),
    );
    this.caughtUp = true;
    return { next, events };
  }

  get ready(): boolean {
    return this.caughtUp;
  }

  apply(events: EventEnvelope[]): void {
    this.projection.apply(events.filter((e) => e.type !== 'TelemetryReported'));
    this.changed.emit('apply');
  }

  get(twinId: string): TwinState | undefined {
    return this.projection.get(twinId);
  }

  /**
   * The twin once the directory knows it: a reading can reach a consumer before the broadcast
   * feed delivers the registration it was validated against. Undefined after `timeoutMs`.
   */
  async waitFor(twinId: string, timeoutMs: number): Promise<TwinState | undefined> {
    const known = this.get(twinId);
    if (known || timeoutMs <= 0) return known;
    return new Promise((resolve) => {
      const check = () => {
        const state = this.get(twinId);
        if (!state) return;
        done(state);
      };
      const done = (state: TwinState | undefined) => {
        clearTimeout(timer);
        this.changed.off('apply', check);
        resolve(state);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      this.changed.on('apply', check);
    });
  }

  get size(): number {
    return this.projection.size;
  }
}
