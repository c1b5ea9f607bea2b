import type { UnitHistory } from './cmapss-parse';
import { truthDensity, truthRange, type CutDistribution } from './rul-cuts';

/**
 * Per training row (units in order, cycles in order): how likely a test cut is to end the
 * history there. A unit's cycles whose RUL a cut can leave share the unit's weight of 1 as the
 * cut's density says;
 * the other cycles (too early, or further from failure than any test asks) weigh 0. A unit too
 * short for any cut weighs 0 throughout.
 */
export function cutWeights(units: UnitHistory[], cut: CutDistribution): Float64Array {
  const weights = new Float64Array(units.reduce((n, u) => n + u.cycles.length, 0));
  let offset = 0;
  for (const unit of units) {
    const life = unit.cycles.length;
    const range = truthRange(cut, life);
    if (range) {
      const [lo, hi] = range;
      let total = 0;
      for (let rul = lo; rul <= hi; rul++) total += truthDensity(cut.shape, rul, lo, hi);
      // Cycle t (0-based) leaves a true RUL of life - 1 - t.
      for (let rul = lo; rul <= hi; rul++)
        weights[offset + life - 1 - rul] = truthDensity(cut.shape, rul, lo, hi) / total;
    }
    offset += life;
  }
  return weights;
}
