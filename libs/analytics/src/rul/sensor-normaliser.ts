import type { UnitHistory } from './cmapss-parse';
import { regimeOf, type OperatingRegimes } from './operating-regimes';

/** How raw sensors become comparable numbers: kept sensors, standardised within their regime. */
export interface SensorNormalisation {
  regimes: OperatingRegimes;
  /** Indices (0-based, s1 = 0) of the sensors that carry information. */
  kept: number[];
  /** [regime][kept sensor]. */
  mean: number[][];
  std: number[][];
}

/** A sensor whose commonest value covers this share of its regime's cycles says nothing. */
const CONSTANT_SHARE = 0.9;

/**
 * Learns per-regime mean and spread of every sensor from the training units and drops the
 * sensors that stay (nearly) constant within their regimes: in C-MAPSS they only echo the
 * operating condition. Standardising within the regime removes the condition's large effect so
 * the slow degradation trend is what is left.
 */
export function fitSensorNormalisation(
  units: UnitHistory[],
  regimes: OperatingRegimes,
): SensorNormalisation {
  const sensors = units[0]?.sensors[0]?.length ?? 0;
  const k = regimes.centers.length;
  const byRegime: number[][][] = Array.from({ length: k }, () => []);
  for (const unit of units)
    unit.settings.forEach((s, t) => byRegime[regimeOf(regimes, s)]!.push(unit.sensors[t]!));
  const kept: number[] = [];
  for (let j = 0; j < sensors; j++) {
    let constantRows = 0;
    let rows = 0;
    for (const group of byRegime) {
      const counts = new Map<number, number>();
      for (const row of group) counts.set(row[j]!, (counts.get(row[j]!) ?? 0) + 1);
      constantRows += Math.max(0, ...counts.values());
      rows += group.length;
    }
    if (constantRows < CONSTANT_SHARE * rows) kept.push(j);
  }
  const mean = byRegime.map((group) => kept.map((j) => average(group.map((r) => r[j]!))));
  const std = byRegime.map((group, r) =>
    kept.map((j, i) => {
      const m = mean[r]![i]!;
      const sd = Math.sqrt(average(group.map((row) => (row[j]! - m) ** 2)));
      return sd > 1e-9 ? sd : 1;
    }),
  );
  return { regimes, kept, mean, std };
}

/** The unit's kept sensors, standardised within each cycle's regime: [cycle][kept sensor]. */
export function normaliseUnit(norm: SensorNormalisation, unit: UnitHistory): number[][] {
  return unit.sensors.map((row, t) => {
    const r = regimeOf(norm.regimes, unit.settings[t]!);
    return norm.kept.map((j, i) => (row[j]! - norm.mean[r]![i]!) / norm.std[r]![i]!);
  });
}

function average(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length;
}
