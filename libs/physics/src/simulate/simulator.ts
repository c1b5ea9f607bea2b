import { DormandPrince, type Derivative } from '../integrate/dormand-prince';
import type { PhysicsModel } from '../model/physics-model';
import type { Schedule, Segment } from '../scenario/schedule';
import { propertiesOf } from '../model/physics-model';
import type { Threshold } from './limit-crossings';

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
  // Thresholds watched while recording (column, limit, high?, strict?), so a Monte Carlo run
  // learns each sample's crossing times without scanning its trajectory again.
  private watched: {
    column: Int32Array;
    limit: Float64Array;
    high: Uint8Array;
    strict: Uint8Array;
  } | null = null;
  private readonly previous: Float64Array;
  private readonly current: Float64Array;
  private readonly nextHigh: Float64Array;
  private readonly nextLow: Float64Array;
  /** States interpolated between steps, at output times. */
  private readonly between: Float64Array;
  private lastT = 0;
  /** After a run with watched thresholds: seconds to each one's first crossing, NaN if none. */
  crossingTimes = new Float64Array(0);

  constructor(
    private readonly model: PhysicsModel,
    private readonly schedule: Schedule,
  ) {
    const variables = model.inputs.length + model.parameters.length;
    this.integrator = new DormandPrince(
      model.states.length,
      RELATIVE_TOLERANCE,
      Float64Array.from(model.stateTolerance),
    );
    this.x = new Float64Array(model.states.length);
    this.between = new Float64Array(model.states.length);
    this.v = new Float64Array(variables);
    this.constant = new Float64Array(variables);
    this.y = new Float64Array(model.outputs.length);
    this.peak = new Float64Array(variables);
    this.previous = new Float64Array(propertiesOf(model).length);
    this.current = new Float64Array(propertiesOf(model).length);
    this.nextHigh = new Float64Array(propertiesOf(model).length);
    this.nextLow = new Float64Array(propertiesOf(model).length);
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
    const properties = propertiesOf(this.model);
    this.watched = {
      column: Int32Array.from(thresholds, (t) => properties.indexOf(t.property)),
      limit: Float64Array.from(thresholds, (t) => t.limit),
      high: Uint8Array.from(thresholds, (t) => (t.bound === 'high' ? 1 : 0)),
      strict: Uint8Array.from(thresholds, (t) => (t.strict ? 1 : 0)),
    };
    this.crossingTimes = new Float64Array(thresholds.length);
  }

  /**
   * Integrates from x0 with the variables' base values `base`; `caps` (optional, per variable)
   * hold a control at or below a value throughout, as a recommendation would.
   */
  run(
    x0: Float64Array,
    base: Float64Array,
    sink: TrajectorySink,
    caps?: Float64Array,
    stopAtCrossing = false,
  ): void {
    const { schedule, x, integrator } = this;
    const { grid, segments } = schedule;
    this.upper = caps ?? schedule.upper;
    this.peak.fill(Number.NEGATIVE_INFINITY);
    this.crossingTimes.fill(Number.NaN);
    x.set(x0);
    integrator.reset(grid.length > 1 ? grid[1]! : segments[0]!.end);
    this.enter(0, base);
    this.record(0, 0, x, sink);
    let k = 1;
    let t = 0;
    for (let i = 0; i < segments.length; i++) {
      if (i > 0) {
        this.enter(i, base);
        // An output time on the boundary shows the state after the perturbation.
        if (k < grid.length && grid[k] === t) this.record(k++, t, x, sink);
      }
      const end = segments[i]!.end;
      const lastSegment = i === segments.length - 1;
      while (t < end) {
        const next = integrator.step(this.f, t, end, x);
        while (k < grid.length && grid[k]! <= next && (grid[k]! < end || lastSegment)) {
          const g = grid[k]!;
          if (g === next) {
            this.record(k++, g, x, sink);
          } else {
            integrator.interpolate(g, this.between);
            this.record(k++, g, this.between, sink);
          }
          if (stopAtCrossing && this.crossed()) return;
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

  private record(k: number, t: number, x: Float64Array, sink: TrajectorySink): void {
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
    const at = sink.offset + k * sink.stride;
    const { columns } = sink;
    const values = this.current;
    let c = 0;
    for (let s = 0; s < x.length; s++) values[c++] = x[s]!;
    for (let s = 0; s < model.inputs.length; s++) values[c++] = v[s]!;
    for (let s = 0; s < y.length; s++) values[c++] = y[s]!;
    for (let s = 0; s < values.length; s++) columns[s]![at] = values[s]!;
    if (this.watched) {
      this.check(k, t);
      this.previous.set(values);
    }
  }

  /** Whether a watched threshold has been reached in this run. */
  crossed(): boolean {
    for (let j = 0; j < this.crossingTimes.length; j++) {
      if (!Number.isNaN(this.crossingTimes[j]!)) return true;
    }
    return false;
  }

  /** Same rule and interpolation as firstCrossing, one point at a time. */
  private check(k: number, t: number): void {
    const { column, limit, high, strict } = this.watched!;
    const times = this.crossingTimes;
    // Most points are strictly inside every limit not yet reached: one comparison per column.
    let near = k === 0;
    for (let c = 0; c < this.current.length && !near; c++) {
      const value = this.current[c]!;
      near = !(value < this.nextHigh[c]! && value > this.nextLow[c]!);
    }
    if (!near) {
      this.lastT = t;
      return;
    }
    for (let j = 0; j < times.length; j++) {
      if (!Number.isNaN(times[j]!)) continue;
      const value = this.current[column[j]!]!;
      const l = limit[j]!;
      const reached = high[j]
        ? strict[j]
          ? value > l
          : value >= l
        : strict[j]
          ? value < l
          : value <= l;
      if (!reached) continue;
      if (k === 0) {
        times[j] = 0;
        continue;
      }
      const before = this.previous[column[j]!]!;
      const share = value === before ? 1 : (l - before) / (value - before);
      const dt = t - this.lastT;
      times[j] = this.lastT + Math.min(1, Math.max(0, share)) * dt;
    }
    this.lastT = t;
    this.nearestLimits();
  }

  /** Per column, the lowest high limit and the highest low limit not reached yet. */
  private nearestLimits(): void {
    const { column, limit, high } = this.watched!;
    this.nextHigh.fill(Number.POSITIVE_INFINITY);
    this.nextLow.fill(Number.NEGATIVE_INFINITY);
    for (let j = 0; j < this.crossingTimes.length; j++) {
      if (!Number.isNaN(this.crossingTimes[j]!)) continue;
      const c = column[j]!;
      if (high[j]) this.nextHigh[c] = Math.min(this.nextHigh[c]!, limit[j]!);
      else this.nextLow[c] = Math.max(this.nextLow[c]!, limit[j]!);
    }
  }
}
