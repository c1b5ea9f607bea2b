import type { UnitHistory } from './cmapss-parse';
import { findOperatingRegimes, type OperatingRegimes } from './operating-regimes';
import { fitRidge, predictLinear, type LinearModel } from './ridge';
import {
  fitSensorNormalisation,
  normaliseUnit,
  type SensorNormalisation,
} from './sensor-normaliser';
import { cappedRul, featureWidth, unitFeatureRows } from './rul-features';
import { DEFAULT_FEATURE_SPEC } from './window-features';
import { truthDensity, type CutDistribution } from './rul-cuts';
import { smoothExponential, smoothLocalLinear } from './trajectory-smoothing';

/**
 * Trajectory-similarity prognostics (Wang, Yu, Siegel and Lee, PHM08): each training unit's
 * life becomes a smoothed 1-D health-index curve; a test history is slid along every curve, and
 * the remaining lives of the best-matching (unit, offset) pairs give its RUL. Nothing is learned
 * about what a given history length means: the offset search finds it, so short histories far
 * from failure get the fleet's remaining life at that age and wear.
 * Not the default RUL model: on C-MAPSS it lost to the boosted trees alone and in ensembles
 * (BENCHMARKS.md, issue 23); kept with bench:cmapss-similarity so the comparison can be re-run.
 */
export interface SimilaritySettings {
  /** Health target min(RUL, cap) / cap: 1 while healthy, 0 at failure. */
  cap: number;
  /** Older cycles of the test history weigh exp(-age / decay) in the match (Infinity: alike). */
  decay: number;
  /** At most this many of the last cycles are matched (older ones weigh little with the decay). */
  window: number;
  /** RUL is the mean over the best-matching training units, one offset each. */
  neighbours: number;
  /** The health target: capped RUL over the cap, or the share of the unit's life left. */
  target: 'capped' | 'life-share';
  /** Training curves: an exponential fit, or local linear fits over ±this many cycles (0: exponential). */
  localHalfWidth: number;
  /**
   * What the health index reads: single cycles' normalised sensors, or the trees' window features
   * (means, slopes over past cycles: less noise, the fault mode's trend as well as its level).
   */
  inputs: 'cycle' | 'windows';
  /** How positions become one RUL (see predictSimilarityRul). */
  aggregate: 'top-k' | 'posterior';
  /** Flattens the posterior's likelihood (1: the scatter taken as independent noise). */
  temperature: number;
}

export const DEFAULT_SIMILARITY: SimilaritySettings = {
  cap: 125,
  decay: 60,
  window: 150,
  neighbours: 15,
  target: 'capped',
  localHalfWidth: 0,
  // The best of the variants tried (FD004, every 2nd unit); the rest are in BENCHMARKS.md.
  inputs: 'windows',
  aggregate: 'posterior',
  temperature: 10,
};

export interface SimilarityModel {
  normalisation: SensorNormalisation;
  healthIndex: LinearModel;
  /** With window inputs: the ridge on the window features that is the health index. */
  windowIndex: LinearModel | null;
  /** Per training unit, its smoothed health index at every cycle up to failure. */
  trajectories: number[][];
  /** Mean squared scatter of the training units' health index about their smoothed curves. */
  noise: number;
  settings: SimilaritySettings;
}

export function fitSimilarityModel(
  units: UnitHistory[],
  settings: SimilaritySettings = DEFAULT_SIMILARITY,
  seed = 1,
  regimes: OperatingRegimes = findOperatingRegimes(
    units.flatMap((u) => u.settings),
    seed,
  ),
): SimilarityModel {
  const normalisation = fitSensorNormalisation(units, regimes);
  const normalised = units.map((u) => normaliseUnit(normalisation, u));
  const targets = units.flatMap((u) =>
    settings.target === 'capped'
      ? cappedRul(u, settings.cap).map((r) => r / settings.cap)
      : cappedRul(u, Infinity).map((r) => r / Math.max(1, u.cycles.length - 1)),
  );
  const healthIndex = fitRidge(normalised.flat(), targets);
  let windowIndex: LinearModel | null = null;
  if (settings.inputs === 'windows') {
    const pipeline = { normalisation, healthIndex, features: DEFAULT_FEATURE_SPEC };
    const width = featureWidth(pipeline);
    const rows = units.flatMap((u) => rowsOf(unitFeatureRows(pipeline, u), width));
    windowIndex = fitRidge(rows, targets);
  }
  const partial = { normalisation, healthIndex, windowIndex, trajectories: [], noise: 1, settings };
  const trajectories = units.map((unit) => {
    const raw = healthIndexOf(partial, unit);
    return settings.localHalfWidth > 0
      ? smoothLocalLinear(raw, settings.localHalfWidth)
      : smoothExponential(raw);
  });
  // The curves' scatter about their smoothed form: the likelihood's noise scale.
  let squares = 0;
  let count = 0;
  units.forEach((unit, u) =>
    healthIndexOf(partial, unit).forEach((v, t) => {
      squares += (v - trajectories[u]![t]!) ** 2;
      count++;
    }),
  );
  const noise = Math.max(squares / Math.max(count, 1), 1e-9);
  return { normalisation, healthIndex, windowIndex, trajectories, noise, settings };
}

/** The unit's raw (unsmoothed) health index per cycle. */
export function healthIndexOf(model: SimilarityModel, unit: UnitHistory): number[] {
  if (model.windowIndex) {
    const pipeline = { ...model, features: DEFAULT_FEATURE_SPEC };
    const width = featureWidth(pipeline);
    return rowsOf(unitFeatureRows(pipeline, unit), width).map((x) =>
      predictLinear(model.windowIndex!, x),
    );
  }
  return normaliseUnit(model.normalisation, unit).map((z) => predictLinear(model.healthIndex, z));
}

/**
 * RUL at the history's last cycle. The history's health index is slid along every training
 * curve (its last cycle at each of the curve's cycles the unit is old enough for), each position
 * scored by the decay-weighted squared distance. `top-k`: each curve's best position, the
 * `neighbours` closest averaged, at most the cut's maxRul. `posterior`: the mean RUL over all
 * positions, each weighted by a prior (each training unit alike, its positions as the test cut
 * would place them) times the Gaussian likelihood exp(-d / 2σ²T) with σ² the training curves'
 * own scatter about their smoothed form.
 */
export function predictSimilarityRul(
  model: SimilarityModel,
  unit: UnitHistory,
  cut: Pick<CutDistribution, 'minRul' | 'maxRul' | 'shape'> | null = null,
): number {
  const hi = healthIndexOf(model, unit);
  const n = hi.length;
  const m = Math.min(n, model.settings.window);
  const weights = Array.from({ length: m }, (_, i) =>
    Math.exp(-(m - 1 - i) / model.settings.decay),
  );
  const recent = hi.slice(n - m);
  const maxRul = cut?.maxRul ?? Infinity;
  const distancesOf = (curve: number[]) => {
    const out: { distance: number; rul: number }[] = [];
    for (let end = n - 1; end < curve.length; end++) {
      let d = 0;
      const start = end - m + 1;
      for (let i = 0; i < m; i++) d += weights[i]! * (recent[i]! - curve[start + i]!) ** 2;
      out.push({ distance: d, rul: curve.length - 1 - end });
    }
    return out;
  };
  const perUnit = model.trajectories.map(distancesOf).filter((xs) => xs.length > 0);
  if (perUnit.length === 0) return 0;
  if (model.settings.aggregate === 'top-k') {
    const best = perUnit.map((xs) => xs.reduce((a, b) => (b.distance < a.distance ? b : a)));
    best.sort((a, b) => a.distance - b.distance);
    const top = best.slice(0, model.settings.neighbours);
    return top.reduce((s, x) => s + Math.min(x.rul, maxRul), 0) / top.length;
  }
  const scale = 2 * model.noise * model.settings.temperature;
  const minDistance = Math.min(...perUnit.flatMap((xs) => xs.map((x) => x.distance)));
  let weightSum = 0;
  let rulSum = 0;
  for (const positions of perUnit) {
    const prior = positions.map((x) =>
      !cut
        ? 1
        : x.rul < cut.minRul || x.rul > cut.maxRul
          ? 0
          : truthDensity(cut.shape, x.rul, cut.minRul, cut.maxRul),
    );
    const priorSum = prior.reduce((a, b) => a + b, 0);
    if (priorSum <= 0) continue;
    positions.forEach((x, i) => {
      const w = (prior[i]! / priorSum) * Math.exp(-(x.distance - minDistance) / scale);
      weightSum += w;
      rulSum += w * x.rul;
    });
  }
  return weightSum > 0 ? Math.min(rulSum / weightSum, maxRul) : 0;
}

function rowsOf(x: Float64Array, width: number): Float64Array[] {
  return Array.from({ length: x.length / width }, (_, i) => x.subarray(i * width, (i + 1) * width));
}
