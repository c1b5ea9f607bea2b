import { CMAPSS_SENSORS, type UnitHistory } from '../cmapss-parse';
import { seededRandom } from '../random';

export interface SyntheticFleetSettings {
  units: number;
  /** Discrete operating conditions (1 like FD001, 6 like FD002). */
  regimes: number;
  minLife: number;
  maxLife: number;
  seed: number;
}

/** The six flight conditions of FD002/FD004 (altitude kft, Mach, throttle), two of them close. */
const CMAPSS_CONDITIONS = [
  [0, 0, 100],
  [10, 0.25, 100],
  [20, 0.7, 100],
  [25, 0.62, 60],
  [35, 0.84, 100],
  [42, 0.84, 100],
];

/** Sensors that only echo the operating condition, as s1, s5, s10, s16, s18, s19 do in C-MAPSS. */
export const SYNTHETIC_CONSTANT_SENSORS = [0, 4, 9, 15, 17, 18];

/**
 * A small run-to-failure fleet in the C-MAPSS shape, for tests: each unit's hidden wear grows
 * slowly then faster until failure at its last cycle, the informative sensors drift with it
 * (some up, some down) under noise, and each cycle flies in one of the operating regimes, which
 * shifts every sensor far more than wear does, as in FD002/FD004.
 */
export function syntheticFleet(settings: SyntheticFleetSettings): UnitHistory[] {
  const random = seededRandom(settings.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const regimeSettings = CMAPSS_CONDITIONS.slice(0, settings.regimes);
  if (regimeSettings.length < settings.regimes)
    throw new Error(`at most ${CMAPSS_CONDITIONS.length} regimes`);
  const regimeShift = Array.from({ length: settings.regimes }, () =>
    Array.from({ length: CMAPSS_SENSORS }, () => 50 * gauss()),
  );
  const drift = Array.from({ length: CMAPSS_SENSORS }, (_, j) =>
    SYNTHETIC_CONSTANT_SENSORS.includes(j) ? 0 : (j % 2 ? 1 : -1) * (2 + 3 * random()),
  );
  const noise = drift.map((d) => (d === 0 ? 0 : 0.6 + random()));
  return Array.from({ length: settings.units }, (_, u) => {
    const life =
      settings.minLife + Math.floor(random() * (settings.maxLife - settings.minLife + 1));
    const initialWear = 0.1 * random();
    const unit: UnitHistory = { unit: u + 1, cycles: [], settings: [], sensors: [] };
    for (let t = 1; t <= life; t++) {
      const regime = Math.floor(random() * settings.regimes);
      const wear = initialWear + Math.exp(5 * (t / life - 1)) - Math.exp(-5);
      unit.cycles.push(t);
      unit.settings.push(regimeSettings[regime]!.map((s) => s + 0.001 * gauss()));
      unit.sensors.push(
        drift.map((d, j) =>
          round(500 + 10 * j + regimeShift[regime]![j]! + d * wear * 4 + noise[j]! * gauss()),
        ),
      );
    }
    return unit;
  });
}

/** C-MAPSS text for units (the inverse of parseCmapss), as the NASA files lay it out. */
export function formatCmapss(units: UnitHistory[]): string {
  const lines = units.flatMap((u) =>
    u.cycles.map((c, t) =>
      [u.unit, c, ...u.settings[t]!.map((s) => s.toFixed(4)), ...u.sensors[t]!].join(' '),
    ),
  );
  return `${lines.join('\n')}\n`;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
