/** The drift channel's state as plain data (checkpoints). */
export interface DriftCusumState {
  up: number;
  down: number;
}

/** Allowance per row, in residual scales: a bias smaller than this does not accumulate. */
const SLACK = 0.5;
/**
 * The slowest a CUSUM's upper tail decays when nothing is wrong: for residuals of variance s2
 * less a slack k per row, P(sum > x) ~ exp(-2 k x / s2) (the diffusion approximation); Gaussian
 * residuals in mean-absolute scales have s2 = pi / 2. A tail fitted from a few excursions is
 * never taken to decay faster than this.
 */
export const CUSUM_MIN_DECAY = Math.PI / 2 / (2 * SLACK);
/** Residuals are clipped here first: one outlier is the value scorer's business, not a drift. */
const CLIP = 3;

/**
 * A two-sided CUSUM (Page, 1954) of the prediction's residuals in units of their scale: each
 * row adds its clipped residual less SLACK to the side it falls on, and a side never goes
 * below 0. The raw score is the larger side. A ramp keeps the prediction a little behind, too
 * little for any one row to be unusual; the small same-signed residuals add up here, so a
 * drift shows long before it is large. How large a sum is usual is left to the tail estimate
 * (a wandering stream's sums are large all the time).
 */
export class DriftCusum {
  private state: DriftCusumState = { up: 0, down: 0 };

  /** Adds a residual (in scales, signed) and returns the larger side. */
  observe(z: number): number {
    const s = this.state;
    const clipped = Number.isFinite(z) ? Math.max(-CLIP, Math.min(CLIP, z)) : 0;
    s.up = Math.max(0, s.up + clipped - SLACK);
    s.down = Math.max(0, s.down - clipped - SLACK);
    return Math.max(s.up, s.down);
  }

  snapshot(): DriftCusumState {
    return { ...this.state };
  }

  restore(state: DriftCusumState): void {
    this.state = { ...state };
  }
}
