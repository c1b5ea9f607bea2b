import { EventEmitter } from 'node:events';
import { TwinProjection, type EventEnvelope, type TwinState } from '@twinlog/domain';

/**
 * The twins a service needs to know about (their type, model version, limits, status): every
 * instance folds the whole twin-events stream (registrations, model changes, retirements; small
 * next to telemetry) into memory. A service host replays the stream into it and then keeps it
 * following (see replay-then-follow in libs/service-kit); folding is idempotent, so events seen
 * twice change nothing.
 */
export class TwinDirectory {
  private readonly projection = new TwinProjection();
  private readonly changed = new EventEmitter().setMaxListeners(0);

  apply(events: readonly EventEnvelope[]): void {
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

  /** Every twin known (a copy of the list): for the questions about a whole site. */
  all(): readonly TwinState[] {
    return this.projection.all();
  }

  get size(): number {
    return this.projection.size;
  }
}
