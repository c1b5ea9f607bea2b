import { TwinlogError } from '@twinlog/domain';
import { rangeProblem, variablesOf, type PhysicsModel } from '../model/physics-model';

function outOfRange(property: string, problem: string): TwinlogError {
  return new TwinlogError(
    'SIMULATION_OUT_OF_RANGE',
    `The run cannot start: ${property} ${problem}`,
    { property },
  );
}

/**
 * A start the model cannot run from: a state or input outside its physical range (a twin
 * whose last reading was extreme), or a parameter the start made non-finite (the load derived
 * from an extreme power reading).
 */
export function checkStartInRange(
  model: PhysicsModel,
  values: Record<string, number>,
  v: Float64Array,
): void {
  // Inputs as the run uses them (a reading below zero counts as at rest).
  const starts = [
    ...model.states.map((s) => [s, values[s]!] as const),
    ...model.inputs.map((input, i) => [input, v[i]!] as const),
  ];
  for (const [property, value] of starts) {
    const problem = rangeProblem(model, property, value);
    if (problem) throw outOfRange(property, `starts at ${value}, which ${problem}`);
  }
  variablesOf(model).forEach((name, i) => {
    if (!Number.isFinite(v[i]!)) throw outOfRange(name, 'is not a finite number at the start');
  });
}

/**
 * Refuses a result holding a non-finite number (JSON would show it as null): every number a
 * run reports is finite or the run is an error with its reason.
 */
export function checkFinite<T>(result: T): T {
  const bad = firstNonFinite(result, '');
  if (bad !== null) {
    throw new TwinlogError(
      'SIMULATION_OUT_OF_RANGE',
      `The run produced a non-finite value at ${bad.slice(1)}: the scenario or the start values drive the model beyond what it can represent`,
      { path: bad.slice(1) },
    );
  }
  return result;
}

function firstNonFinite(value: unknown, path: string): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'number') {
        if (!Number.isFinite(item)) return `${path}.${i}`;
      } else {
        const found = firstNonFinite(item, `${path}.${i}`);
        if (found !== null) return found;
      }
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const found = firstNonFinite(item, `${path}.${key}`);
    if (found !== null) return found;
  }
  return null;
}
