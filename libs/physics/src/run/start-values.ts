import type { PhysicsModel, StartValues, TimedValue } from '../model/physics-model';

export interface StartValueReport {
  value: number;
  /** A reading of the twin, or the model's fallback (no reading before the start). */
  source: 'reading' | 'model';
  /** Seconds before the start the reading was taken (null for the model's fallback). */
  ageSeconds: number | null;
}

/** The latest reading of each property at or before the start (t ≤ 0). */
export function latestReadings(readings: readonly TimedValue[]): Map<string, TimedValue> {
  const latest = new Map<string, TimedValue>();
  for (const r of readings) {
    if (r.t > 0) continue;
    const current = latest.get(r.property);
    if (!current || r.t >= current.t) latest.set(r.property, r);
  }
  return latest;
}

/**
 * The start of a run, in the order the values depend on each other: inputs (the operating
 * point) from readings or the model's fallback; then the derived parameters (the load from
 * power and speed); then the states, from readings or the model's fallback (which may use the
 * operating point: a housing with no reading is taken as settled at the current power).
 */
export function startOf(
  model: PhysicsModel,
  latest: Map<string, TimedValue>,
  v: Float64Array,
  hints: Record<string, number>,
): { start: StartValues; report: Record<string, StartValueReport> } {
  const values: Record<string, number> = {};
  const fromReadings = new Set<string>();
  const report: Record<string, StartValueReport> = {};
  const read = (property: string): boolean => {
    const reading = latest.get(property);
    if (!reading) return false;
    values[property] = reading.value;
    fromReadings.add(property);
    report[property] = { value: reading.value, source: 'reading', ageSeconds: -reading.t };
    return true;
  };
  const fallback = (property: string) => {
    values[property] = model.fallbackStart(property, v);
    report[property] = { value: values[property], source: 'model', ageSeconds: null };
  };
  model.inputs.forEach((input, i) => {
    if (!read(input)) fallback(input);
    v[i] = Math.max(0, values[input]!);
  });
  for (const output of model.outputs) read(output);
  const start = { values, fromReadings };
  model.derive(start, v, hints);
  for (const state of model.states) if (!read(state)) fallback(state);
  return { start, report };
}
