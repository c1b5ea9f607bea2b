import { scoreFromExcess } from './detector';

/**
 * A sensor that stopped reporting. It learns the property's usual interval (an EWMA of the
 * gaps) and, asked at any time, says how overdue the next reading is: a gap of `factor` usual
 * intervals scores 0.5. It is driven by a clock, not by readings, since silence sends none.
 */
export class MissingDataDetector {
  readonly name = 'missing-data';
  private lastAt: number | undefined;
  private interval: number | undefined;

  constructor(
    private readonly factor = 5,
    private readonly weight = 0.1,
  ) {}

  seen(at: number): void {
    if (this.lastAt !== undefined && at > this.lastAt) {
      const gap = at - this.lastAt;
      this.interval =
        this.interval === undefined ? gap : this.weight * gap + (1 - this.weight) * this.interval;
    }
    if (this.lastAt === undefined || at > this.lastAt) this.lastAt = at;
  }

  /** The usual interval learned so far, ms (undefined before two readings). */
  get usualIntervalMs(): number | undefined {
    return this.interval;
  }

  snapshot(): { lastAt: number | undefined; interval: number | undefined } {
    return { lastAt: this.lastAt, interval: this.interval };
  }

  restore(state: { lastAt: number | undefined; interval: number | undefined }): void {
    ({ lastAt: this.lastAt, interval: this.interval } = state);
  }

  check(now: number): { score: number; overdueMs: number; reason: string } {
    if (this.lastAt === undefined || this.interval === undefined) {
      return { score: 0, overdueMs: 0, reason: 'no usual interval learned yet' };
    }
    const silence = now - this.lastAt;
    return {
      score: scoreFromExcess(silence / (this.factor * this.interval)),
      overdueMs: Math.max(0, silence - this.interval),
      reason: `no reading for ${(silence / 1000).toFixed(0)} s (usually every ${(this.interval / 1000).toFixed(1)} s)`,
    };
  }
}
