import { isAlertEvent, type EventEnvelope } from '../events/twin-events';
import { applyReadings, ownedCopy } from './apply-readings';
import { evolveTwin } from './evolve-twin';
import { initialTwinState, type TwinState } from './twin-state';

/**
 * Many twins' states folded from a mixed sequence of events: what a replay or a consumer
 * maintains. Idempotent (redelivered events change nothing) and reports how many events
 * actually changed a state, so a caller can tell real applications from redeliveries.
 *
 * Telemetry, nearly all of a log, is folded into the projection's own copy of a twin's state in
 * place, by the same rule as evolveTwin. Replacing a whole state per event made every twin's
 * state die middle-aged, and with 10,000 twins the collector took a third of a rebuild. The
 * in-place fold stays inside: a state handed out by get() or all() is no longer the
 * projection's own, so the next telemetry for that twin folds into a fresh copy (copy on
 * write) and the caller's state never changes under it. Callers must not change it either.
 */
export class TwinProjection {
  private readonly states = new Map<string, TwinState>();
  /** States this projection made and nothing else holds an older version of. */
  private readonly owned = new WeakSet<TwinState>();
  applied = 0;
  skipped = 0;
  /** Readings in the telemetry events applied (redeliveries not counted): what was folded. */
  readingsApplied = 0;

  constructor(initial: Iterable<TwinState> = []) {
    for (const state of initial) this.states.set(state.twinId, state);
  }

  apply(events: Iterable<EventEnvelope>): void {
    for (const event of events) {
      // Alerting's events are keyed by a twin (or @alerting) but change no twin: no entry made.
      if (isAlertEvent(event)) continue;
      const before = this.states.get(event.twinId) ?? initialTwinState(event.twinId);
      if (event.type === 'TelemetryReported') {
        if (event.revision <= before.telemetryRevision) {
          this.skipped += 1;
          continue;
        }
        const state = this.owned.has(before) ? before : this.own(before);
        state.telemetryRevision = event.revision;
        applyReadings(state, event, true);
        this.applied += 1;
        this.readingsApplied += event.data.readings.length;
        continue;
      }
      const after = evolveTwin(before, event);
      if (after === before) this.skipped += 1;
      else this.applied += 1;
      this.states.set(event.twinId, after);
    }
  }

  get(twinId: string): Readonly<TwinState> | undefined {
    const state = this.states.get(twinId);
    if (state) this.owned.delete(state);
    return state;
  }

  all(): Array<Readonly<TwinState>> {
    const states = [...this.states.values()];
    for (const state of states) this.owned.delete(state);
    return states;
  }

  get size(): number {
    return this.states.size;
  }

  /**
   * Takes states restored elsewhere (snapshots of twins this projection did not hold): a state
   * it already holds is kept when it is at least as far along.
   */
  adopt(states: Iterable<TwinState>): void {
    for (const state of states) {
      const held = this.states.get(state.twinId);
      if (
        held &&
        held.revision >= state.revision &&
        held.telemetryRevision >= state.telemetryRevision
      )
        continue;
      this.states.set(state.twinId, state);
    }
  }

  /** Drops the twins `which` picks (a replica that handed their partition over); returns how many. */
  forget(which: (twinId: string) => boolean): number {
    let dropped = 0;
    for (const twinId of [...this.states.keys()])
      if (which(twinId)) {
        this.states.delete(twinId);
        dropped += 1;
      }
    return dropped;
  }

  private own(state: TwinState): TwinState {
    const copy = ownedCopy(state);
    this.owned.add(copy);
    this.states.set(copy.twinId, copy);
    return copy;
  }
}
