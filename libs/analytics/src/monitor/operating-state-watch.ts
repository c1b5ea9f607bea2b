import { operatingStateOf, type OperatingStateSettings } from '../multivariate/operating-states';
import type { MonitoredReading } from './reading-and-change';

const NOTHING_STILL: ReadonlySet<string> = new Set();

/**
 * The twin's declared operating state as its readings tell it (the state property's newest
 * value, held until the next), for the per-property detectors: which properties hold still by
 * nature in the current state (a stopped spindle's speed), so that their stuck-sensor check
 * does not take a planned stop for a stuck sensor.
 */
export class OperatingStateWatch {
  private value: number | null = null;
  private at = Number.NEGATIVE_INFINITY;

  constructor(private readonly settings: OperatingStateSettings | undefined) {}

  /** The state property's newest value, or null before its first reading. */
  get current(): number | null {
    return this.value;
  }

  /** Takes in a reading; only the state property's count, and an older one than held is history. */
  note(r: MonitoredReading): void {
    if (r.property === this.settings?.property && r.at >= this.at)
      ({ value: this.value, at: this.at } = r);
  }

  /** Takes in a batch; the properties that hold still in the state the batch leaves the twin in. */
  stillAfter(readings: readonly MonitoredReading[]): ReadonlySet<string> {
    const states = this.settings;
    if (!states) return NOTHING_STILL;
    for (const r of readings) this.note(r);
    if (this.value === null) return NOTHING_STILL;
    return new Set(operatingStateOf(this.value, states.states).still ?? []);
  }

  snapshot(): { value: number | null; at: number | null } {
    return { value: this.value, at: Number.isFinite(this.at) ? this.at : null };
  }

  restore(state: { value: number | null; at: number | null }): void {
    this.value = state.value;
    this.at = state.at ?? Number.NEGATIVE_INFINITY;
  }
}
