import { decideTwin } from './decide-twin';
import { evolveTwin } from './evolve-twin';
import { initialTwinState, type TwinState } from './twin-state';
import type { EventEnvelope } from '../events/twin-events';

/** The twin aggregate as a decider: { initialState, decide, evolve }. */
export const twinDecider = {
  initialState: initialTwinState,
  decide: decideTwin,
  evolve: evolveTwin,
};

/** Rebuilds a twin's state from its events (from the beginning, or on top of a snapshot). */
export function foldTwin(events: Iterable<EventEnvelope>, from: TwinState): TwinState {
  let state = from;
  for (const event of events) state = evolveTwin(state, event);
  return state;
}
