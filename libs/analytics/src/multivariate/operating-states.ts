/**
 * A machine's declared operating states (idle, cutting, down...), told apart by one property's
 * value: a controller's state code, a spindle speed, a motor current. Each state is judged
 * against its own normal behaviour, and the transient after a change of state is not judged.
 */
export interface OperatingState {
  name: string;
  /** Values below this (and at or above the previous state's bound) are this state; the last has none. */
  below?: number;
  /** Properties that hold still in this state by nature: the stuck-sensor check skips them in it. */
  still?: string[];
}

export interface OperatingStateSettings {
  /** The property whose value tells the state; it need not be in the judged vector. */
  property: string;
  /** In increasing order of `below`; the last state has no bound (every higher value). */
  states: OperatingState[];
  /** Vectors after a change of state that are not judged (the transient). */
  settle: number;
}

/** The state a value of the state property means. */
export function operatingStateOf(value: number, states: readonly OperatingState[]): OperatingState {
  for (const state of states) if (state.below === undefined || value < state.below) return state;
  return states[states.length - 1]!;
}

export function stateOf(value: number, states: readonly OperatingState[]): string {
  return operatingStateOf(value, states).name;
}

/** Throws a plain message for states the detector cannot work with. */
export function checkOperatingStates(s: OperatingStateSettings): void {
  const bad = (what: string) => {
    throw new Error(`operatingStates: ${what}`);
  };
  if (s.states.length < 2) bad('at least two states are needed');
  if (new Set(s.states.map((x) => x.name)).size !== s.states.length) bad('state names must differ');
  s.states.forEach((state, i) => {
    const last = i === s.states.length - 1;
    if (last !== (state.below === undefined))
      bad('every state but the last needs `below`, and the last none');
    const previous = s.states[i - 1]?.below;
    if (state.below !== undefined && previous !== undefined && !(state.below > previous))
      bad('`below` must increase from state to state');
  });
  if (!Number.isInteger(s.settle) || s.settle < 0) bad('settle must be an integer >= 0');
}
