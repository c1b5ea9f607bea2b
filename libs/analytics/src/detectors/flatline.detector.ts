import { scoreFromExcess, type Finding, type Observation, type PropertyDetector } from './detector';

/** A stuck sensor: the value has not moved by more than `epsilon` for `maxSeconds`. */
export class FlatlineDetector implements PropertyDetector {
  readonly name = 'flatline';
  private since: Observation | undefined;

  constructor(
    private readonly maxSeconds: number,
    private readonly epsilon = 0,
  ) {}

  snapshot(): { since: Observation | null } {
    return { since: this.since ? { ...this.since } : null };
  }

  restore(state: unknown): void {
    const { since } = state as ReturnType<FlatlineDetector['snapshot']>;
    this.since = since ? { ...since } : undefined;
  }

  observe(observation: Observation): Finding {
    if (!this.since || Math.abs(observation.value - this.since.value) > this.epsilon) {
      this.since = observation;
      return { score: 0, reason: 'moving' };
    }
    const seconds = (observation.at - this.since.at) / 1000;
    return {
      score: scoreFromExcess(seconds / this.maxSeconds),
      expected: this.since.value,
      reason: `unchanged at ${observation.value} for ${seconds.toFixed(0)} s`,
    };
  }
}
