import { mean, standardDeviation } from '../stats/series-stats';

/**
 * Plain data, so a detector can be checkpointed and restored. `trend[j]` marks a slowly
 * wandering property judged by its rate; `active[j]` is false for a property that was constant
 * through warm-up (it carries no information about normal variation; limits and flatline
 * detectors watch it).
 */
export interface FeatureStreamState {
  centre: number[];
  scale: number[];
  trend: boolean[];
  active: boolean[];
  /** EWMA of the standardised readings. */
  smoothed: number[];
  /** The normal level of each property (standardised), following drift slowly. */
  level: number[];
  /** The last `lag + 1` smoothed and raw standardised vectors, oldest first. */
  smoothedHistory: number[][];
  rawHistory: number[][];
}

export interface Features {
  /** What is judged: smoothed level minus normal level, or the smoothed rate for a trend property. */
  smoothed: number[];
  /** The same without smoothing (only the warm-up uses it, to see how slowly each property moves). */
  raw: number[];
}

/**
 * Turns a stream of property vectors into features that are stationary in normal operation: a
 * noisy property becomes its smoothed deviation from a drifting normal level, a slowly wandering
 * one (its level over a warm-up says little about its future) becomes its smoothed change over
 * `lag` vectors. One pass, memory O(lag x properties).
 */
export class FeatureStream {
  private constructor(
    readonly state: FeatureStreamState,
    private readonly lag: number,
  ) {}

  /** Standardisation and the level-or-rate choice, from the warm-up vectors. */
  static learn(rows: number[][], lag: number, trendShare: number): FeatureStream {
    const width = rows[0]?.length ?? 0;
    const centre: number[] = [];
    const scale: number[] = [];
    const trend: boolean[] = [];
    const active: boolean[] = [];
    for (let j = 0; j < width; j++) {
      const column = rows.map((r) => r[j]!);
      const m = mean(column);
      const sd = standardDeviation(column, m);
      const constant = !(sd > 1e-12 * Math.max(1, Math.abs(m)));
      centre.push(m);
      scale.push(constant ? 1 : sd);
      active.push(!constant);
      // Variance ratio: the share of the variance visible in `lag`-step changes. Near 1 for
      // noise around a level, near 0 for a signal that wanders slowly.
      let changes = 0;
      for (let i = lag; i < column.length; i++) changes += (column[i]! - column[i - lag]!) ** 2;
      const share = constant ? 1 : changes / (column.length - lag) / (2 * sd * sd);
      trend.push(share < trendShare);
    }
    const zero = () => new Array<number>(width).fill(0);
    const stream = new FeatureStream(
      {
        centre,
        scale,
        trend,
        active,
        smoothed: zero(),
        level: zero(),
        smoothedHistory: [],
        rawHistory: [],
      },
      lag,
    );
    // The first vector seeds the normal level (and, in `next`, the smoothing).
    if (rows[0]) stream.state.level = stream.standardise(rows[0]);
    return stream;
  }

  static restore(state: FeatureStreamState, lag: number): FeatureStream {
    return new FeatureStream(structuredClone(state), lag);
  }

  /** Takes in one vector; `weight` is the EWMA weight of the smoothing (1 / time constant). */
  next(row: readonly number[], weight: number): Features {
    const s = this.state;
    const z = this.standardise(row);
    if (s.rawHistory.length === 0) {
      // The first vector (or the first after a restart) seeds the smoothing.
      s.smoothed = [...z];
    } else {
      for (let j = 0; j < z.length; j++) s.smoothed[j]! += weight * (z[j]! - s.smoothed[j]!);
    }
    push(s.smoothedHistory, [...s.smoothed], this.lag + 1);
    push(s.rawHistory, z, this.lag + 1);
    const oldSmoothed = s.smoothedHistory[0]!;
    const oldRaw = s.rawHistory[0]!;
    const feature = (value: number, old: number, j: number) =>
      !s.active[j] ? 0 : s.trend[j] ? value - old : value - s.level[j]!;
    return {
      smoothed: s.smoothed.map((v, j) => feature(v, oldSmoothed[j]!, j)),
      raw: z.map((v, j) => feature(v, oldRaw[j]!, j)),
    };
  }

  /**
   * Forgets the recent vectors but not the normal level: the next vector seeds the smoothing and
   * the rates start afresh (the machine comes back to this operating state after another one,
   * whose readings must not leak into this state's smoothing or rates).
   */
  restart(): void {
    this.state.smoothedHistory = [];
    this.state.rawHistory = [];
  }

  /** Moves the normal level a step `gain` towards the current smoothed state (drift handling). */
  follow(gain: number): void {
    const s = this.state;
    for (let j = 0; j < s.level.length; j++) s.level[j]! += gain * (s.smoothed[j]! - s.level[j]!);
  }

  private standardise(row: readonly number[]): number[] {
    const s = this.state;
    return row.map((x, j) => (s.active[j] ? (x - s.centre[j]!) / s.scale[j]! : 0));
  }

  /** The property's current smoothed value and what it is compared with, in its own units. */
  explain(j: number): { observed: number; expected: number } {
    const s = this.state;
    const units = (v: number) => s.centre[j]! + s.scale[j]! * v;
    const reference = s.trend[j] ? s.smoothedHistory[0]![j]! : s.level[j]!;
    return { observed: units(s.smoothed[j]!), expected: units(reference) };
  }
}

function push(ring: number[][], row: number[], size: number): void {
  ring.push(row);
  if (ring.length > size) ring.shift();
}
