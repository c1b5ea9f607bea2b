import type { LimitCrossing } from '@twinlog/domain';
import type { PhysicsModel } from '../model/physics-model';
import { propertiesOf, variablesOf } from '../model/physics-model';
import { formatDuration } from '../scenario/durations';
import type { Scenario } from '../scenario/scenario';
import { compileSchedule, type Schedule } from '../scenario/schedule';
import type { Threshold } from './limit-crossings';
import { Simulator } from './simulator';
import type { StepBudget } from './step-budget';

export interface Recommendation {
  /** Stable kind: ALREADY_BEYOND, ACT_BEFORE, RESTORE_WITHIN, LIMIT_CONTROL, CONTROL_INSUFFICIENT, REMEDY, WATCH, NO_ACTION. */
  code: string;
  message: string;
  property?: string;
  control?: string;
  /** For LIMIT_CONTROL: the highest value that keeps the property below its limit. */
  value?: number;
  /** Seconds after the start by which to act. */
  deadlineSeconds?: number;
}

export interface RecommendationInput {
  model: PhysicsModel;
  scenario: Scenario;
  schedule: Schedule;
  x0: Float64Array;
  base: Float64Array;
  thresholds: readonly Threshold[];
  crossings: readonly LimitCrossing[];
  /** The largest value each variable took in the nominal run. */
  peak: Float64Array;
  units: Record<string, string>;
  /** Integration steps the probes may take (shared with the rest of the run). */
  budget?: StepBudget;
}

const serious = (c: LimitCrossing) => c.level === 'alarm' || c.level === 'failure';

/**
 * Rule-based advice from the run: when the first alarm comes (act before it), how soon a
 * failed part must be restored, and how far each control (spindle speed, load) must come down
 * to stay under the alarm limits for the whole horizon: each found by bisection over re-runs
 * of the same scenario, so the advice holds in the model, not just by rule of thumb.
 */
export function recommend(input: RecommendationInput): Recommendation[] {
  const { crossings, scenario, units } = input;
  const horizon = formatDuration(scenario.horizonSeconds);
  const out: Recommendation[] = [];
  const alarms = crossings.filter(serious);
  const atStart = alarms.filter((c) => c.atSeconds === 0);
  for (const c of atStart) {
    out.push({
      code: 'ALREADY_BEYOND',
      property: c.property,
      message: `${c.property} is already at or beyond its ${c.level} limit (${show(c.limit, units[c.property])}) at the start.`,
    });
  }
  const later = alarms.filter((c) => c.atSeconds > 0);
  const first = later[0];
  if (first) {
    out.push({
      code: 'ACT_BEFORE',
      property: first.property,
      deadlineSeconds: first.atSeconds,
      message: `${first.property} reaches its ${first.level} limit (${show(first.limit, units[first.property])}) at T+${formatDuration(first.atSeconds)}: act before then.`,
    });
  }
  if (later.length > 0) {
    const watched = [...new Set(later.map((c) => c.property))];
    const guarded = input.thresholds.filter(
      (t) => watched.includes(t.property) && (t.level === 'alarm' || t.level === 'failure'),
    );
    out.push(...restoreAdvice(input, guarded, horizon));
    out.push(...controlAdvice(input, guarded, watched, horizon));
    for (const property of watched) {
      const remedy = input.model.remedies[property];
      const when = later.find((c) => c.property === property)!;
      if (remedy) {
        out.push({
          code: 'REMEDY',
          property,
          deadlineSeconds: when.atSeconds,
          message: `${remedy} before T+${formatDuration(when.atSeconds)}, when ${property} reaches its ${when.level} limit.`,
        });
      }
    }
  }
  if (alarms.length === 0) {
    const warning = crossings.find((c) => c.level === 'warning');
    out.push(
      warning
        ? {
            code: 'WATCH',
            property: warning.property,
            deadlineSeconds: warning.atSeconds,
            message: `${warning.property} leaves its normal band at T+${formatDuration(warning.atSeconds)} (${show(warning.limit, units[warning.property])}); no alarm limit is reached within ${horizon}.`,
          }
        : { code: 'NO_ACTION', message: `No limit is reached within ${horizon}.` },
    );
  }
  return out;
}

/** For each failure in the scenario: the latest restore that keeps every guarded limit. */
function restoreAdvice(
  input: RecommendationInput,
  guarded: Threshold[],
  horizon: string,
): Recommendation[] {
  const out: Recommendation[] = [];
  const { scenario, model } = input;
  scenario.perturbations.forEach((p, index) => {
    if (p.kind !== 'fail') return;
    const end = p.until ?? scenario.horizonSeconds;
    const holds = (until: number) => {
      const variant: Scenario = {
        ...scenario,
        perturbations: scenario.perturbations.map((q, i) => (i === index ? { ...q, until } : q)),
      };
      return keepsLimits(model, compileSchedule(variant, model), input, guarded);
    };
    // Whole output steps after the failure: a restore between two output times could peak
    // unseen between them, a restore on one peaks where the run looks.
    const steps = Math.floor((end - p.at) / scenario.stepSeconds);
    const after = (k: number) => Math.min(end, p.at + k * scenario.stepSeconds);
    if (steps < 1 || !holds(after(1))) return;
    const latest = after(Math.floor(bisect(1, steps, (k) => holds(after(Math.floor(k))), 1)));
    out.push({
      code: 'RESTORE_WITHIN',
      control: p.target,
      deadlineSeconds: latest,
      message: `Restore ${p.target} within ${formatDuration(latest - p.at)} of its failure (by T+${formatDuration(latest)}) to stay under the alarm limits over ${horizon}.`,
    });
  });
  return out;
}

/**
 * For each property heading for an alarm and each control: the highest value of the control,
 * held throughout, that keeps that property below its alarm limits.
 */
function controlAdvice(
  input: RecommendationInput,
  guarded: Threshold[],
  watched: string[],
  horizon: string,
): Recommendation[] {
  const { model, schedule } = input;
  const variables = variablesOf(model);
  const simulator = new Simulator(model, schedule, input.budget);
  const out: Recommendation[] = [];
  for (const property of watched) {
    const own = guarded.filter((t) => t.property === property);
    for (const control of model.controls) {
      const index = variables.indexOf(control.name);
      const peak = input.peak[index]!;
      if (!(peak > 0)) continue;
      const caps = Float64Array.from(schedule.upper);
      const holds = (cap: number) => {
        caps[index] = Math.min(schedule.upper[index]!, cap);
        return keepsLimits(model, schedule, input, own, simulator, caps);
      };
      if (!holds(0)) {
        out.push({
          code: 'CONTROL_INSUFFICIENT',
          property,
          control: control.name,
          message: `Lowering the ${control.label} alone cannot keep ${property} below its alarm limit over ${horizon}.`,
        });
        continue;
      }
      const cap = roundDown(bisect(0, peak, holds, peak * 1e-3));
      out.push({
        code: 'LIMIT_CONTROL',
        property,
        control: control.name,
        value: cap,
        message: `Keep the ${control.label} at or below ${show(cap, control.unit)} (it reaches ${show(peak, control.unit)} in this scenario) to keep ${property} below its alarm limit over ${horizon}.`,
      });
    }
  }
  return out;
}

/** Whether a run (with `caps` on the controls) stays short of every guarded threshold. */
function keepsLimits(
  model: PhysicsModel,
  schedule: Schedule,
  input: RecommendationInput,
  guarded: Threshold[],
  simulator = new Simulator(model, schedule, input.budget),
  caps?: Float64Array,
): boolean {
  const columns = propertiesOf(model).map(() => new Float64Array(schedule.grid.length));
  simulator.watch(guarded);
  // A probe only needs to know whether a limit is reached: it stops at the first one.
  simulator.run(input.x0, input.base, { columns, stride: 1, offset: 0 }, caps, true);
  return !simulator.crossed();
}

/** The largest x in [lo, hi] with holds(x), given holds(lo); to within `resolution`. */
function bisect(lo: number, hi: number, holds: (x: number) => boolean, resolution: number): number {
  if (holds(hi)) return hi;
  let good = lo;
  let bad = hi;
  while (bad - good > resolution) {
    const mid = (good + bad) / 2;
    if (holds(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

/** Three significant digits, rounded towards safety (down). */
function roundDown(value: number): number {
  if (value <= 0) return 0;
  const magnitude = 10 ** (Math.floor(Math.log10(value)) - 2);
  return Math.floor(value / magnitude) * magnitude;
}

function show(value: number, unit: string | undefined): string {
  const text = Number(value.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 3 });
  return unit && unit !== '1' ? `${text} ${unit}` : text;
}
