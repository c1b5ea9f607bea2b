import { evolveTwin } from './evolve-twin';
import type { TwinState } from './twin-state';
import type { EventEnvelope, StreamName } from '../events/twin-events';

/** Rebuilds a twin's state from its events (from the beginning, or on top of a snapshot). */
export function foldTwin(events: Iterable<EventEnvelope>, from: TwinState): TwinState {
  let state = from;
  for (const event of events) state = evolveTwin(state, event);
  return state;
}

/**
 * The streams a twin's state is folded from. The alerts stream is keyed by twin too, but an
 * alert is about a twin, not part of it (ADR 0002): state, time travel and rebuilds skip it.
 */
export const TWIN_STATE_STREAMS: readonly StreamName[] = ['twin-events', 'telemetry'];
