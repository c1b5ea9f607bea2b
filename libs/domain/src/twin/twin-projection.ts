import type { EventEnvelope } from '../events/twin-events';
import { evolveTwin } from './evolve-twin';
import { initialTwinState, type TwinState } from './twin-state';

/**
 * Many twins' states folded from a mixed sequence of events: what a replay or a consumer
 * maintains. Idempotent (redelivered events change nothing) and reports how many events
 * actually changed a state, so a caller can tell real applications from redeliveries.
 */
export class TwinProjection {
  private readonly states = new Map<string, TwinState>();
  applied = 0;
  skipped = 0;

  constructor(initial: Iterable<TwinState> = []) {
    for (const state of initial) this.states.set(state.twinId, state);
  }

  apply(events: Iterable<EventEnvelope>): void {
    for (const event of events) {
      const before = this.states.get(event.twinId) ?? initialTwinState(event.twinId);
      const after = evolveTwin(before, event);
      if (after === before) this.skipped += 1;
      else this.applied += 1;
      this.states.set(event.twinId, after);
    }
  }

  get(twinId: string): TwinState | undefined {
    return this.states.get(twinId);
  }

  all(): TwinState[] {
    return [...this.states.values()];
  }

  get size(): number {
    return this.states.size;
  }
}
