import { TwinlogError } from '@twinlog/domain';

/** dx/dt at time t, written into `dxdt` (no allocation: it runs millions of times per Monte Carlo). */
export type Derivative = (t: number, x: Float64Array, dxdt: Float64Array) => void;

// Dormand-Prince 5(4) tableau: the 5th-order solution advances, the embedded 4th-order one
// estimates the local error, and the last stage is the next step's first (FSAL).
// prettier-ignore
const A21 = 1 / 5,
  A31 = 3 / 40, A32 = 9 / 40,
  A41 = 44 / 45, A42 = -56 / 15, A43 = 32 / 9,
  A51 = 19372 / 6561, A52 = -25360 / 2187, A53 = 64448 / 6561, A54 = -212 / 729,
  A61 = 9017 / 3168, A62 = -355 / 33, A63 = 46732 / 5247, A64 = 49 / 176, A65 = -5103 / 18656,
  B1 = 35 / 384, B3 = 500 / 1113, B4 = 125 / 192, B5 = -2187 / 6784, B6 = 11 / 84,
  E1 = 71 / 57600, E3 = -71 / 16695, E4 = 71 / 1920, E5 = -17253 / 339200, E6 = 22 / 525,
  E7 = -1 / 40;
// Shampine's continuous extension (as in Hairer and Wanner's DOPRI5): 4th-order values
// anywhere inside a step, so output times need not cut the steps short.
// prettier-ignore
const D1 = -12715105075 / 11282082432, D3 = 87487479700 / 32700410799,
  D4 = -10690763975 / 1880347072, D5 = 701980252875 / 199316789632,
  D6 = -1453857185 / 822651844, D7 = 69997945 / 29380423;

/**
 * Adaptive Dormand-Prince 5(4) integration with standard error control (mixed absolute and
 * relative tolerance per state, step growth bounded to 0.2-5x) and dense output. The caller
 * steps up to its breakpoints; a discontinuity in the right-hand side must be a breakpoint
 * followed by `restart()`, so no step straddles it.
 */
export class DormandPrince {
  private readonly k: Float64Array[];
  private readonly stage: Float64Array;
  private readonly next: Float64Array;
  /** Interpolation coefficients of the last step (5 rows of `size`). */
  private readonly dense: Float64Array;
  private fsalValid = false;
  private h = 0;
  private stepStart = 0;
  private stepSize = 0;
  /** Right-hand side evaluations so far (for benchmarks and tests). */
  evaluations = 0;
  rejected = 0;

  constructor(
    private readonly size: number,
    private readonly rtol: number,
    private readonly atol: Float64Array,
    /** State names, for errors. */
    private readonly names: readonly string[] = [],
  ) {
    this.k = Array.from({ length: 7 }, () => new Float64Array(size));
    this.stage = new Float64Array(size);
    this.next = new Float64Array(size);
    this.dense = new Float64Array(5 * size);
  }

  /** The right-hand side changed (a perturbation, a state jump): forget the cached first stage. */
  restart(): void {
    this.fsalValid = false;
  }

  /** Starts a new integration with a first step size to try. */
  reset(h: number): void {
    this.h = h;
    this.fsalValid = false;
  }

  /**
   * One accepted step from t towards `end` (never past it), `x` updated in place; returns
   * the new time. `interpolate` then gives values anywhere in the step.
   */
  step(f: Derivative, t: number, end: number, x: Float64Array): number {
    const n = this.size;
    const [k1, k2, k3, k4, k5, k6, k7] = this.k as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    const y = this.stage;
    const out = this.next;
    if (!this.fsalValid) {
      f(t, x, k1);
      this.evaluations++;
      this.fsalValid = true;
    }
    if (!(this.h > 0)) this.h = end - t;
    for (;;) {
      const remaining = end - t;
      const last = this.h >= remaining;
      const h = last ? remaining : this.h;
      for (let i = 0; i < n; i++) y[i] = x[i]! + h * A21 * k1[i]!;
      f(t + h / 5, y, k2);
      for (let i = 0; i < n; i++) y[i] = x[i]! + h * (A31 * k1[i]! + A32 * k2[i]!);
      f(t + (3 * h) / 10, y, k3);
      for (let i = 0; i < n; i++) y[i] = x[i]! + h * (A41 * k1[i]! + A42 * k2[i]! + A43 * k3[i]!);
      f(t + (4 * h) / 5, y, k4);
      for (let i = 0; i < n; i++)
        y[i] = x[i]! + h * (A51 * k1[i]! + A52 * k2[i]! + A53 * k3[i]! + A54 * k4[i]!);
      f(t + (8 * h) / 9, y, k5);
      for (let i = 0; i < n; i++)
        y[i] =
          x[i]! + h * (A61 * k1[i]! + A62 * k2[i]! + A63 * k3[i]! + A64 * k4[i]! + A65 * k5[i]!);
      f(t + h, y, k6);
      for (let i = 0; i < n; i++)
        out[i] = x[i]! + h * (B1 * k1[i]! + B3 * k3[i]! + B4 * k4[i]! + B5 * k5[i]! + B6 * k6[i]!);
      f(t + h, out, k7);
      this.evaluations += 6;
      let error = 0;
      for (let i = 0; i < n; i++) {
        const e =
          h * (E1 * k1[i]! + E3 * k3[i]! + E4 * k4[i]! + E5 * k5[i]! + E6 * k6[i]! + E7 * k7[i]!);
        const tolerance = this.atol[i]! + this.rtol * Math.max(Math.abs(x[i]!), Math.abs(out[i]!));
        error += (e / tolerance) ** 2;
      }
      error = Math.sqrt(error / n);
      if (!Number.isFinite(error)) throw this.outOfRange(t, out, 'left the finite numbers');
      const factor = error === 0 ? 5 : Math.min(5, Math.max(0.2, 0.9 * error ** -0.2));
      if (error > 1) {
        this.rejected++;
        this.h = h * factor;
        if (this.h < 1e-9 * Math.max(1, Math.abs(t))) {
          throw this.outOfRange(t, out, 'changed too fast to follow (the step underflowed)');
        }
        continue;
      }
      const d = this.dense;
      for (let i = 0; i < n; i++) {
        const diff = out[i]! - x[i]!;
        const bspl = h * k1[i]! - diff;
        d[i] = x[i]!;
        d[n + i] = diff;
        d[2 * n + i] = bspl;
        d[3 * n + i] = diff - h * k7[i]! - bspl;
        d[4 * n + i] =
          h * (D1 * k1[i]! + D3 * k3[i]! + D4 * k4[i]! + D5 * k5[i]! + D6 * k6[i]! + D7 * k7[i]!);
      }
      this.stepStart = t;
      this.stepSize = h;
      x.set(out);
      k1.set(k7);
      // A step shortened to land on `end` says nothing about the next one: keep the longer h.
      this.h = last && h < this.h ? Math.max(this.h, h * factor) : h * factor;
      return last ? end : t + h;
    }
  }

  /** A run the equations cannot follow: a domain error naming the state, never a plain Error. */
  private outOfRange(t: number, out: Float64Array, what: string): TwinlogError {
    let i = out.findIndex((value) => !Number.isFinite(value));
    if (i < 0) i = 0;
    const state = this.names[i] ?? `state ${i}`;
    return new TwinlogError(
      'SIMULATION_OUT_OF_RANGE',
      `The model's ${state} ${what} at T+${Math.round(t)} s: the scenario or the start values drive it beyond what the model can represent`,
      { property: state, atSeconds: t },
    );
  }

  /** The state at time t within the last step, into `out`. */
  interpolate(t: number, out: Float64Array): void {
    const n = this.size;
    const d = this.dense;
    const theta = (t - this.stepStart) / this.stepSize;
    const theta1 = 1 - theta;
    for (let i = 0; i < n; i++) {
      out[i] =
        d[i]! +
        theta *
          (d[n + i]! + theta1 * (d[2 * n + i]! + theta * (d[3 * n + i]! + theta1 * d[4 * n + i]!)));
    }
  }

  /** Integrates `x` in place from t0 to t1 (steps as long as the tolerance allows). */
  advance(f: Derivative, t0: number, t1: number, x: Float64Array, hTry = 0): void {
    this.reset(hTry);
    let t = t0;
    while (t < t1) t = this.step(f, t, t1, x);
  }
}
