import type { TimedValue } from '../model/physics-model';
import type { SimulationSubject } from './simulation-result';

/** Readings as seconds relative to the start, without those a later maintenance reset. */
export function timed(subject: SimulationSubject, startMs: number): TimedValue[] {
  const resets = new Map(Object.entries(subject.resetAt).map(([p, at]) => [p, Date.parse(at)]));
  const out: TimedValue[] = [];
  for (const r of subject.readings) {
    const ms = Date.parse(r.time);
    if (!(ms <= startMs)) continue;
    const reset = resets.get(r.property);
    if (reset !== undefined && ms < reset) continue;
    out.push({ property: r.property, t: (ms - startMs) / 1000, value: r.value });
  }
  return out;
}
