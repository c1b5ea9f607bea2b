import type { CrossingProbability, MonteCarloBands } from '@twinlog/domain';
import type { PhysicsModel, StartValues } from '../model/physics-model';
import { propertiesOf } from '../model/physics-model';
import type { Schedule } from '../scenario/schedule';
import type { Threshold } from '../simulate/limit-crossings';
import { Simulator } from '../simulate/simulator';
import type { StepBudget } from '../simulate/step-budget';
import { drawVariables, type Uncertainty } from './parameter-distribution';
import { percentilesInPlace } from './percentiles';
import { SeededRandom } from './random';

/** The central band reported: 90% of the samples lie between its edges at each time. */
export const BAND_PERCENTILES = [5, 50, 95] as const;

export interface MonteCarloSetup {
  model: PhysicsModel;
  schedule: Schedule;
  base: Float64Array;
  start: StartValues;
  hints: Record<string, number>;
  uncertainty: Uncertainty;
  thresholds: readonly Threshold[];
  samples: number;
  seed: number;
  /** Integration steps the samples may take (shared with the rest of the run). */
  budget?: StepBudget;
}

export type { CrossingProbability };

/** The bands (libs/domain's MonteCarloBands, as the API answers them) and the percentiles used. */
export interface MonteCarloOutcome extends MonteCarloBands {
  percentiles: readonly number[];
}

/**
 * Monte Carlo over what calibration left uncertain: each sample draws the parameters and the
 * start readings, re-derives what depends on them, and runs the same schedule. A generator,
 * so the caller decides when to run the next chunk (and may stop: cancellation); it yields
 * the number of samples done. Seeded: the same seed gives the same bands.
 */
export function* monteCarlo(
  setup: MonteCarloSetup,
  chunk = 25,
): Generator<number, MonteCarloOutcome, void> {
  const { model, schedule, samples } = setup;
  const properties = propertiesOf(model);
  const points = schedule.grid.length;
  const columns = properties.map(() => new Float32Array(points * samples));
  const simulator = new Simulator(model, schedule, setup.budget);
  simulator.watch(setup.thresholds);
  const crossings = setup.thresholds.map(() => new Float64Array(samples));
  const random = new SeededRandom(setup.seed);
  const v = new Float64Array(setup.base.length);
  const x0 = new Float64Array(model.states.length);
  for (let s = 0; s < samples; s++) {
    drawVariables(setup.uncertainty, setup.base, schedule.lower, schedule.upper, random, v);
    const start = drawStart(setup, random);
    model.inputs.forEach((input, i) => (v[i] = Math.max(0, start.values[input] ?? v[i]!)));
    model.derive(start, v, setup.hints);
    model.states.forEach((state, i) => (x0[i] = start.values[state]!));
    simulator.run(x0, v, { columns, stride: samples, offset: s });
    crossings.forEach((times, j) => (times[s] = simulator.crossingTimes[j]!));
    if ((s + 1) % chunk === 0 && s + 1 < samples) yield s + 1;
  }
  return {
    samples,
    seed: setup.seed,
    percentiles: BAND_PERCENTILES,
    bands: Object.fromEntries(properties.map((p, i) => [p, bandsOf(columns[i]!, points, samples)])),
    crossingProbabilities: setup.thresholds.map((threshold, j) =>
      probabilityOf(crossings[j]!, threshold),
    ),
  };
}

function drawStart(setup: MonteCarloSetup, random: SeededRandom): StartValues {
  const values = { ...setup.start.values };
  for (const [property, sd] of Object.entries(setup.uncertainty.startNoise)) {
    if (setup.start.fromReadings.has(property) && values[property] !== undefined) {
      values[property] += sd * random.normal();
    }
  }
  return { values, fromReadings: setup.start.fromReadings };
}

function bandsOf(column: Float32Array, points: number, samples: number) {
  const p5: number[] = [];
  const p50: number[] = [];
  const p95: number[] = [];
  const scratch = new Float64Array(samples);
  const out = [0, 0, 0];
  for (let k = 0; k < points; k++) {
    for (let s = 0; s < samples; s++) scratch[s] = column[k * samples + s]!;
    percentilesInPlace(scratch, BAND_PERCENTILES, out);
    p5.push(out[0]!);
    p50.push(out[1]!);
    p95.push(out[2]!);
  }
  return { p5, p50, p95 };
}

function probabilityOf(crossingTimes: Float64Array, threshold: Threshold): CrossingProbability {
  const samples = crossingTimes.length;
  const times = Array.from(crossingTimes).filter((t) => !Number.isNaN(t));
  times.sort((a, b) => a - b);
  const { property, level, bound, limit } = threshold;
  return {
    property,
    level,
    bound,
    limit,
    probability: times.length / samples,
    // Samples that never cross count as "later than all": the median exists when half cross.
    medianAtSeconds: times.length * 2 >= samples ? times[Math.ceil(samples / 2) - 1]! : null,
  };
}
