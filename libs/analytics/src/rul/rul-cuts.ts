import type { UnitHistory } from './cmapss-parse';

/**
 * Where a held-out unit's history is cut, as the official C-MAPSS test sets were built: each
 * test engine's series "ends some time prior to system failure" (the data's readme), leaving a
 * true RUL between a few cycles and an upper bound, with at least a minimum history seen.
 * `uniform` draws the true RUL uniformly in [minRul, min(maxRul, life - minHistory)]; `early`
 * leans toward early cuts (density rising linearly with the RUL: short histories, long RULs),
 * the stress case for a model that needs a long own history; `late` leans the other way
 * (density falling linearly: most cuts near failure, few long RULs).
 */
export interface CutDistribution {
  minHistory: number;
  minRul: number;
  maxRul: number;
  shape: CutShape;
}

export type CutShape = 'uniform' | 'early' | 'late';

/**
 * The official test sets as the literature tabulates them (shortest test history; range of the
 * true RUL): FD001 31 cycles, 7-145; FD002 21, 6-194; FD003 38, 6-145; FD004 19, 6-195. Only
 * these published bounds are used, never the test files themselves.
 */
export const OFFICIAL_LIKE_CUTS: Readonly<Record<string, CutDistribution>> = {
  FD001: { minHistory: 31, minRul: 7, maxRul: 145, shape: 'uniform' },
  FD002: { minHistory: 21, minRul: 6, maxRul: 194, shape: 'uniform' },
  FD003: { minHistory: 38, minRul: 6, maxRul: 145, shape: 'uniform' },
  FD004: { minHistory: 19, minRul: 6, maxRul: 195, shape: 'uniform' },
};

/** For a fleet that is none of the four: the widest of them (shortest history, longest RUL). */
export const WIDEST_CUTS: CutDistribution = {
  minHistory: 19,
  minRul: 6,
  maxRul: 195,
  shape: 'uniform',
};

/** The cut the first cross-validation used (issue 8): RUL 5-150, 31 cycles seen. */
export const TRAINING_LIKE_CUTS: CutDistribution = {
  minHistory: 31,
  minRul: 5,
  maxRul: 150,
  shape: 'uniform',
};

/** The official-like cut for a data set named like `train_FD004.txt`, else the widest one. */
export function cutsForSet(name: string): CutDistribution {
  const set = /FD00[1-4]/i.exec(name)?.[0]?.toUpperCase();
  return (set && OFFICIAL_LIKE_CUTS[set]) || WIDEST_CUTS;
}

/** The truths a cut can leave in a unit of this life: [lo, hi], or null when it is too short. */
export function truthRange(cut: CutDistribution, life: number): [number, number] | null {
  const hi = Math.min(cut.maxRul, life - cut.minHistory);
  return hi < cut.minRul ? null : [cut.minRul, hi];
}

/** One draw of the true RUL left by the cut (an integer), given a uniform random number. */
export function drawTruth(cut: CutDistribution, life: number, u: number): number | null {
  const range = truthRange(cut, life);
  if (!range) return null;
  const [lo, hi] = range;
  const share =
    cut.shape === 'early' ? Math.sqrt(u) : cut.shape === 'late' ? 1 - Math.sqrt(1 - u) : u;
  return Math.min(hi, lo + Math.floor(share * (hi - lo + 1)));
}

/** The relative density of a true RUL `rul` in [lo, hi] under the cut's shape. */
export function truthDensity(shape: CutShape, rul: number, lo: number, hi: number): number {
  if (shape === 'early') return rul - lo + 0.5;
  if (shape === 'late') return hi - rul + 0.5;
  return 1;
}

/** The unit as a test set would show it: its first `cycles` cycles. */
export function truncateUnit(unit: UnitHistory, cycles: number): UnitHistory {
  return {
    unit: unit.unit,
    cycles: unit.cycles.slice(0, cycles),
    settings: unit.settings.slice(0, cycles),
    sensors: unit.sensors.slice(0, cycles),
  };
}
