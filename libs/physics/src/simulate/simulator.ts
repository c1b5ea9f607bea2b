import { DormandPrince, type Derivative } from '../integrate/dormand-prince';
import type { PhysicsModel } from '../model/physics-model';
import type { Schedule, Segment } from '../scenario/schedule';
import { propertiesOf } from '../model/physics-model';
import { TwinlogError } from '@twinlog/domain';
import { CrossingWatch } from './crossing-watch';
import { reaches, type Threshold } from './limit-crossings';
import { UNLIMITED, type StepBudget } from './step-budget';

/** Relative tolerance of the integrator: far below any sensor's resolution. */
export const RELATIVE_TOLERANCE = 1e-9;

/**
 * Where a run writes its trajectory: one column per property (states, inputs, outputs, in
 * that order), point k at `offset + k * stride` (a Monte Carlo run interleaves its samples).
 */
export interface TrajectorySink {
  columns: Array<Float64Array | Float32Array>;
  stride: number;
  offset: number;
}

/**
 * Runs one model over one compiled schedule, as often as asked (the nominal run, each Monte
 * Carlo sample, each probe of a recommendation), reusing its buffers.
 */
export class Simulator {
  readonly integrator: DormandPrince;
  private readonly x: Float64Array;
  private readonly v: Float64Array;
  private readonly constant: Float64Array;
  private readonly y: Float64Array;
  private segment: Segment;
  private upper: Float64Array;
  /** The largest value each variable took in the last run (for recommendations). */
  readonly peak: Float64Array;
  private readonly f: Derivative;
  private readonly properties: string[];
  private readonly crossings: CrossingWatch;
  /** Property values at the last time observed. */
  private readonly current: Float64Array;
  /** States interpolated between steps, at output times and while locating a crossing. */
  private readonly between: Float64Array;

  constructor(
    private readonly model: PhysicsModel,
    private readonly schedule: Schedule,
    private readonly budget: StepBudget = UNLIMITED,
  ) {
    const variables = model.inputs.length + model.parameters.length;
    this.integrator = new DormandPrince(
      model.states.length,
      RELATIVE_TOLERANCE,
      Float64Array.from(model.stateTolerance),
      model.states,
    );
    this.properties = propertiesOf(model);
    this.x = new Float64Array(model.states.length);
    this.between = new Float64Array(model.states.length);
    this.v = new Float64Array(variables);
    this.constant = new Float64Array(variables);
    this.y = new Float64Array(model.outputs.length);
    this.peak = new Float64Array(variables);
    this.current = new Float64Array(this.properties.length);
    this.crossings = new CrossingWatch(this.properties, (threshold, column, lo, hi) =>
      this.locate(threshold, column, lo, hi),
    );
    this.segment = schedule.segments[0]!;
    this.upper = schedule.upper;
    const { v, constant } = this;
    const lower = schedule.lower;
    this.f = (t, x, dxdt) => {
      const { ramped, gamma, drift } = this.segment;
      const upper = this.upper;
      for (let r = 0; r < ramped.length; r++) {
        const i = ramped[r]!;
        v[i] = Math.min(upper[i]!, Math.max(lower[i]!, constant[i]! + gamma[i]! * t));
      }
      model.derivatives(x, v, dxdt);
      for (let s = 0; s < drift.length; s++) dxdt[s]! += drift[s]!;
    };
  }

  /** Records, in every later run, when each threshold is first reached (see crossingTimes). */
  watch(thresholds: readonly Threshold[]): void {
    this.crossings.watch(thresholds);
  }

  /** After a run with watched thresholds: seconds to each one's first crossing, NaN if none. */
  get crossingTimes(): Float64Array {
    return this.crossings.times;
  }

  /** Whether a watched threshold has been reached in this run. */
  crossed(): boolean {
    return this.crossings.crossed();
  }

  /**
   * Integrates from x0 with the variables' base values `base`; `caps` (optional, per variable)
   * hold a control at or below a value throughout, as a recommendation would. Watched
   * thresholds are checked at every integrator step and output point, and a crossing is
   * located within its step on the integrator's own interpolant: the output step neither
   * hides nor moves it.
   */
  run(
    x0: Float64Array,
    base: Float64Array,
    sink: TrajectorySink,
    caps?: Float64Array,
    stopAtCrossing = false,
  ): void {
    const { schedule, x, integrator, crossings } = this;
    const { grid, segments } = schedule;
    this.upper = caps ?? schedule.upper;
    this.peak.fill(Number.NEGATIVE_INFINITY);
    crossings.reset();
    x.set(x0);
    integrator.reset(grid.length > 1 ? grid[1]! : segments[0]!.end);
    this.enter(0, base);
    this.record(0, 0, x, sink);
    crossings.observe(0, false, this.current);
    let k = 1;
    let t = 0;
    for (let i = 0; i < segments.length; i++) {
      if (i > 0) {
        this.enter(i, base);
        // An output time on the boundary shows the state after the perturbation.
        if (k < grid.length && grid[k] === t) this.record(k++, t, x, sink);
        else this.valuesAt(t, x);
        // A jump or a changed input takes effect at once: a limit it reaches, it reaches now.
        crossings.observe(t, false, this.current);
        if (stopAtCrossing && crossings.crossed()) return;
      }
      const end = segments[i]!.end;
      const lastSegment = i === segments.length - 1;
      while (t < end) {
        this.budget.spend();
        const next = integrator.step(this.f, t, end, x);
        while (k < grid.length && grid[k]! <= next && (grid[k]! < end || lastSegment)) {
          const g = grid[k]!;
          if (g === next) {
            this.record(k++, g, x, sink);
          } else {
            integrator.interpolate(g, this.between);
            this.record(k++, g, this.between, sink);
          }
          crossings.observe(g, true, this.current);
          if (stopAtCrossing && crossings.crossed()) return;
        }
        if (crossings.uncheckedAt(next)) {
          this.valuesAt(next, x);
          crossings.observe(next, true, this.current);
          if (stopAtCrossing && crossings.crossed()) return;
        }
        t = next;
      }
    }
  }

  /** Starts segment i: its constant parts, its state jumps, and a fresh first stage. */
  private enter(i: number, base: Float64Array): void {
    const segment = this.schedule.segments[i]!;
    this.segment = segment;
    const { alpha, beta, gamma } = segment;
    const { lower } = this.schedule;
    for (let j = 0; j < base.length; j++) {
      this.constant[j] = alpha[j]! * base[j]! + beta[j]!;
      this.v[j] = Math.min(
        this.upper[j]!,
        Math.max(lower[j]!, this.constant[j]! + gamma[j]! * segment.start),
      );
    }
    for (let j = 0; j < base.length; j++) if (this.v[j]! > this.peak[j]!) this.peak[j] = this.v[j]!;
    for (const jump of this.schedule.jumps[i]!) {
      this.x[jump.state] = jump.alpha * this.x[jump.state]! + jump.beta;
    }
    this.integrator.restart();
  }

  /** Every property's value at time t (states x), into `current`; refuses non-finite ones. */
  private valuesAt(t: number, x: Float64Array): Float64Array {
    const { v, y, model, segment, peak } = this;
    const { lower } = this.schedule;
    for (let r = 0; r < segment.ramped.length; r++) {
      const i = segment.ramped[r]!;
      v[i] = Math.min(
        this.upper[i]!,
        Math.max(lower[i]!, this.constant[i]! + segment.gamma[i]! * t),
      );
      if (v[i]! > peak[i]!) peak[i] = v[i]!;
    }
    model.computeOutputs(x, v, y);
    const values = this.current;
    let c = 0;
    for (let s = 0; s < x.length; s++) values[c++] = x[s]!;
    for (let s = 0; s < model.inputs.length; s++) values[c++] = v[s]!;
    for (let s = 0; s < y.length; s++) values[c++] = y[s]!;
    for (let s = 0; s < values.length; s++) {
      if (!Number.isFinite(values[s]!)) throw this.notFinite(s, t);
    }
    return values;
  }

  private record(k: number, t: number, x: Float64Array, sink: TrajectorySink): void {
    const values = this.valuesAt(t, x);
    const at = sink.offset + k * sink.stride;
    const { columns } = sink;
    for (let s = 0; s < values.length; s++) columns[s]![at] = values[s]!;
  }

  /**
   * The first time in (lo, hi] threshold j is reached, to a microsecond, by bisection on the
   * last step's interpolant (4th order, within the integrator's tolerance).
   */
  private locate(threshold: Threshold, column: number, lo: number, hi: number): number {
    const saved = Float64Array.from(this.current);
    const resolution = Math.max(1e-6, 4 * Number.EPSILON * hi);
    let good = lo;
    let bad = hi;
    while (bad - good > resolution) {
      const mid = good + (bad - good) / 2;
      this.integrator.interpolate(mid, this.between);
      const value = this.valuesAt(mid, this.between)[column]!;
      if (reaches(value, threshold)) bad = mid;
      else good = mid;
    }
    this.current.set(saved);
    return bad;
  }

  private notFinite(column: number, t: number): TwinlogError {
    const property = this.properties[column]!;
    return new TwinlogError(
      'SIMULATION_OUT_OF_RANGE',
      `${property} left the finite numbers at T+${Math.round(t)} s: the scenario or the start values drive it beyond what the model can represent`,
      { property, atSeconds: t },
    );
  }
}
