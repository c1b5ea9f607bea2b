import { evolveTwin } from './evolve-twin';
import type { TwinState } from './twin-state';
import type { EventEnvelope } from '../events/twin-events';

/** Rebuilds a twin's state from its events (from the beginning, or on top of a snapshot). */
export function foldTwin(events: Iterable<EventEnvelope>, from: TwinState): TwinState {
  let state = from;
  for (const event of events) state = evolveTwin(state, event);
  return state;
}
