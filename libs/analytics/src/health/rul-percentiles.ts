/** Remaining useful life in hours: early (P10), median (P50) and late (P90) ends of life. */
export interface LifePercentiles {
  p10: number;
  p50: number;
  p90: number;
  /** Which of them lie past the horizon (and are reported as the horizon). */
  beyond: { p10: boolean; p50: boolean; p90: boolean };
}

const GRID = 96;
const SMALLEST = 1e-6;

/**
 * The time by which failure has probability `q`, from the distribution function `failedBy`
 * (hours from now): scanned on a geometric grid up to the horizon, then refined by bisection.
 * Undefined when even the horizon does not reach `q`.
 */
export function hoursToProbability(
  failedBy: (hours: number) => number,
  q: number,
  horizonHours: number,
): number | undefined {
  if (failedBy(0) >= q) return 0;
  let below = 0;
  for (let k = 0; k <= GRID; k++) {
    const hours = horizonHours * SMALLEST ** (1 - k / GRID);
    if (failedBy(hours) >= q) {
      let above = hours;
      for (let i = 0; i < 40; i++) {
        const mid = (below + above) / 2;
        if (failedBy(mid) >= q) above = mid;
        else below = mid;
      }
      return above;
    }
    below = hours;
  }
  return undefined;
}

/** The probability levels P10, P50 and P90 are read at (band-calibration.ts moves them). */
export interface BandLevels {
  p10: number;
  p50: number;
  p90: number;
}

const NOMINAL: BandLevels = { p10: 0.1, p50: 0.5, p90: 0.9 };

/**
 * P10/P50/P90 of the end of life from its distribution function, read at `levels` (the
 * calibrated levels: where past truths fell, not the nominal 10/50/90 %).
 */
export function lifePercentiles(
  failedBy: (hours: number) => number,
  horizonHours: number,
  levels: BandLevels = NOMINAL,
): LifePercentiles {
  const at = (q: number) => hoursToProbability(failedBy, q, horizonHours);
  const [p10, p50, p90] = [at(levels.p10), at(levels.p50), at(levels.p90)];
  return {
    p10: p10 ?? horizonHours,
    p50: p50 ?? horizonHours,
    p90: p90 ?? horizonHours,
    beyond: { p10: p10 === undefined, p50: p50 === undefined, p90: p90 === undefined },
  };
}

/** A whole fails when its first part does (independent parts): 1 - prod(1 - F_i). */
export function firstOf(parts: Array<(hours: number) => number>): (hours: number) => number {
  return (hours) => 1 - parts.reduce((survive, f) => survive * (1 - f(hours)), 1);
}
