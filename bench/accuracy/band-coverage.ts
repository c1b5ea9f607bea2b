// How often a remaining-life band holds the truth, and its calibration learned from other runs
// (leave-one-run-out): shared by the IMS and the demo-plant benches.
import {
  calibratedLevels,
  learnBandCalibration,
  lifePercentiles,
  normalScore,
  UNCALIBRATED,
  type BandCalibration,
} from '@twinlog/analytics';

/** One prediction with a degradation trend, made before its run's known end of life. */
export interface JudgedPrediction {
  /** The run (one component's life to its failure limit) and the group it shares a rig with. */
  run: string;
  group: string;
  /** True hours left until the level reached its failure limit. */
  truthHours: number;
  /** The model's own (uncalibrated) distribution function of the end of life. */
  failedBy: (hours: number) => number;
}

export interface Coverage {
  predictions: number;
  inside: number;
  /** The truth came before P10 (failed earlier than the early end) / after P90. */
  early: number;
  late: number;
}

const empty = (): Coverage => ({ predictions: 0, inside: 0, early: 0, late: 0 });

export function add(a: Coverage, b: Coverage): Coverage {
  return {
    predictions: a.predictions + b.predictions,
    inside: a.inside + b.inside,
    early: a.early + b.early,
    late: a.late + b.late,
  };
}

/** The band read at the calibration's levels, against each prediction's truth. */
export function coverageOf(
  predictions: readonly JudgedPrediction[],
  calibration: BandCalibration,
  horizonHours: number,
): Coverage {
  const levels = calibratedLevels(calibration);
  return predictions.reduce((c, p) => {
    const band = lifePercentiles(p.failedBy, horizonHours, levels);
    const early = p.truthHours < band.p10;
    const late = p.truthHours > band.p90;
    return add(c, { predictions: 1, inside: early || late ? 0 : 1, early: +early, late: +late });
  }, empty());
}

const byRun = (predictions: readonly JudgedPrediction[]) => {
  const runs = new Map<string, JudgedPrediction[]>();
  for (const p of predictions) runs.set(p.run, [...(runs.get(p.run) ?? []), p]);
  return runs;
};

/** Normal scores of the truths in the predictions' own distributions, by run. */
export function scoresByRun(predictions: readonly JudgedPrediction[]): number[][] {
  return [...byRun(predictions).values()].map((run) =>
    run.map((p) => normalScore(p.failedBy(p.truthHours))),
  );
}

/**
 * Each run judged with a calibration learned from the others only (`apart` 'run'), or from the
 * runs of the other groups only ('group': stricter, runs on one rig share its conditions).
 */
export function heldOutCoverage(
  predictions: readonly JudgedPrediction[],
  apart: 'run' | 'group',
  horizonHours: number,
  centred = false,
): { total: Coverage; perRun: Array<{ run: string; coverage: Coverage; calibration: BandCalibration }> } {
  const perRun: Array<{ run: string; coverage: Coverage; calibration: BandCalibration }> = [];
  let total = empty();
  for (const [run, own] of byRun(predictions)) {
    const group = own[0]!.group;
    const others = predictions.filter((p) => (apart === 'run' ? p.run !== run : p.group !== group));
    const calibration =
      others.length > 0 ? learnBandCalibration(scoresByRun(others), `all but ${run}`, { centred }) : UNCALIBRATED;
    const coverage = coverageOf(own, calibration, horizonHours);
    perRun.push({ run, coverage, calibration });
    total = add(total, coverage);
  }
  return { total, perRun };
}

export const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(0)} %` : '-');

export function describe(c: Coverage): string {
  return `${pct(c.inside, c.predictions)} inside (${c.inside} of ${c.predictions}); truth before P10 ${pct(c.early, c.predictions)}, after P90 ${pct(c.late, c.predictions)}`;
}

export const describeCalibration = (c: BandCalibration) =>
  `scores P10/P50/P90 ${c.low.toFixed(2)} / ${c.mid.toFixed(2)} / ${c.high.toFixed(2)} (levels ${Object.values(
    calibratedLevels(c),
  )
    .map((l) => `${(100 * l).toFixed(1)} %`)
    .join(' / ')})`;

/** A calibration with its scores' spread about the middle scaled by `k` (sensitivity tables). */
export const widened = (c: BandCalibration, k: number): BandCalibration => ({
  low: c.mid + k * (c.low - c.mid),
  mid: c.mid,
  high: c.mid + k * (c.high - c.mid),
  source: `${c.source}, spread x${k}`,
});

/** The shipped calibration at x0.5, x1 and x1.5 of its spread. */
export function sensitivity(predictions: readonly JudgedPrediction[], c: BandCalibration, horizonHours: number): string {
  return [0.5, 1, 1.5]
    .map((k) => `x${k}: ${describe(coverageOf(predictions, widened(c, k), horizonHours))}`)
    .join('; ');
}
