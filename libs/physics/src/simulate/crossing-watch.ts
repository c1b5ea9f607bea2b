import { reaches, type Threshold } from './limit-crossings';

/**
 * Finds the first time `threshold` (on property column `column`) is reached in (lo, hi], on
 * the simulator's last integrator step.
 */
export type LocateCrossing = (
  threshold: Threshold,
  column: number,
  lo: number,
  hi: number,
) => number;

/**
 * The thresholds a simulator watches while integrating, so a run learns each one's first
 * crossing without scanning its trajectory again, and finds it between output points too.
 */
export class CrossingWatch {
  private watched: readonly Threshold[] = [];
  private column = new Int32Array(0);
  private readonly nextHigh: Float64Array;
  private readonly nextLow: Float64Array;
  /** The last time crossings were checked: a crossing seen later lies after it. */
  private lastT = 0;
  /** After a run with watched thresholds: seconds to each one's first crossing, NaN if none. */
  times = new Float64Array(0);

  constructor(
    private readonly properties: readonly string[],
    private readonly locate: LocateCrossing,
  ) {
    this.nextHigh = new Float64Array(properties.length);
    this.nextLow = new Float64Array(properties.length);
  }

  /** Records, in every later run, when each threshold is first reached (see times). */
  watch(thresholds: readonly Threshold[]): void {
    this.watched = thresholds;
    this.column = Int32Array.from(thresholds, (t) => this.properties.indexOf(t.property));
    this.times = new Float64Array(thresholds.length);
  }

  /** A run begins: nothing crossed, nothing checked. */
  reset(): void {
    this.times.fill(Number.NaN);
    this.lastT = 0;
    this.nearestLimits();
  }

  /** Whether the step ending at t has to be checked on its own (no output point checked it). */
  uncheckedAt(t: number): boolean {
    return this.lastT < t && this.watched.length > 0;
  }

  /** Whether a watched threshold has been reached in this run. */
  crossed(): boolean {
    for (let j = 0; j < this.times.length; j++) {
      if (!Number.isNaN(this.times[j]!)) return true;
    }
    return false;
  }

  /**
   * Checks the watched thresholds against `values` (the properties at t). A threshold reached
   * now and not at the last check was crossed in between: with `within` (both times in the
   * last step) the crossing is located on the step's interpolant, else (a jump) it is now.
   */
  observe(t: number, within: boolean, values: Float64Array): void {
    if (this.watched.length === 0) return;
    // Most points are strictly inside every limit not yet reached: one comparison per column.
    let near = false;
    for (let c = 0; c < values.length && !near; c++) {
      const value = values[c]!;
      near = !(value < this.nextHigh[c]! && value > this.nextLow[c]!);
    }
    if (near) {
      const times = this.times;
      let found = false;
      for (let j = 0; j < times.length; j++) {
        if (!Number.isNaN(times[j]!)) continue;
        const threshold = this.watched[j]!;
        if (!reaches(values[this.column[j]!]!, threshold)) continue;
        times[j] =
          within && t > this.lastT ? this.locate(threshold, this.column[j]!, this.lastT, t) : t;
        found = true;
      }
      if (found) this.nearestLimits();
    }
    this.lastT = t;
  }

  /** Per column, the lowest high limit and the highest low limit not reached yet. */
  private nearestLimits(): void {
    this.nextHigh.fill(Number.POSITIVE_INFINITY);
    this.nextLow.fill(Number.NEGATIVE_INFINITY);
    for (let j = 0; j < this.times.length; j++) {
      if (!Number.isNaN(this.times[j]!)) continue;
      const c = this.column[j]!;
      const { bound, limit } = this.watched[j]!;
      if (bound === 'high') this.nextHigh[c] = Math.min(this.nextHigh[c]!, limit);
      else this.nextLow[c] = Math.max(this.nextLow[c]!, limit);
    }
  }
}
