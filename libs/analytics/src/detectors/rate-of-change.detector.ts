import { scoreFromExcess, type Finding, type Observation, type PropertyDetector } from './detector';

/** A change faster than the property can physically change (units per second). */
export class RateOfChangeDetector implements PropertyDetector {
  readonly name = 'rate-of-change';
  private last: Observation | undefined;

  constructor(private readonly maxPerSecond: number) {}

  snapshot(): { last: Observation | null } {
    return { last: this.last ? { ...this.last } : null };
  }

  restore(state: unknown): void {
    const { last } = state as ReturnType<RateOfChangeDetector['snapshot']>;
    this.last = last ? { ...last } : undefined;
  }

  observe(observation: Observation): Finding {
    const last = this.last;
    // A late reading is history: comparing it with a newer one would invent a jump.
    if (last && observation.at <= last.at)
      return { score: 0, reason: 'late reading, not compared' };
    this.last = observation;
    if (!last) return { score: 0, reason: 'no earlier reading to compare with' };
    const rate = Math.abs(observation.value - last.value) / ((observation.at - last.at) / 1000);
    return {
      score: scoreFromExcess(rate / this.maxPerSecond),
      expectedHigh: this.maxPerSecond,
      reason: `changes at ${rate.toPrecision(3)}/s (limit ${this.maxPerSecond}/s)`,
    };
  }
}
