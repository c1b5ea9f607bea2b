import { seededRandom, shuffled } from './random';

/** Splits whole units into k folds (seeded): a unit's cycles never sit on both sides. */
export function unitFolds<T>(units: readonly T[], k: number, seed: number): T[][] {
  const folds: T[][] = Array.from({ length: k }, () => []);
  shuffled(units, seededRandom(seed)).forEach((u, i) => folds[i % k]!.push(u));
  return folds;
}

export function allBut<T>(folds: T[][], held: number): T[] {
  return folds.filter((_, i) => i !== held).flat();
}
