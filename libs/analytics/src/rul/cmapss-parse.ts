import { RulError } from './rul-error';

/** One engine's history as C-MAPSS records it: one row per operational cycle, in order. */
export interface UnitHistory {
  unit: number;
  cycles: number[];
  /** Per cycle: the 3 operational settings. */
  settings: number[][];
  /** Per cycle: the 21 sensor measurements. */
  sensors: number[][];
}

export const CMAPSS_SETTINGS = 3;
export const CMAPSS_SENSORS = 21;
const COLUMNS = 2 + CMAPSS_SETTINGS + CMAPSS_SENSORS;

/**
 * Parses C-MAPSS text (train_FD00x / test_FD00x): 26 whitespace-separated numbers per line
 * (unit, cycle, 3 settings, 21 sensors). Units may come in any order but each unit's cycles
 * must be consecutive lines counting up from 1 without gaps, as in the NASA files; a malformed
 * line is refused with its 1-based line number.
 */
export function parseCmapss(text: string): UnitHistory[] {
  const units = new Map<number, UnitHistory>();
  let current: UnitHistory | undefined;
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const lineNo = index + 1;
    const cells = line.split(/\s+/);
    if (cells.length !== COLUMNS) {
      throw invalid(
        lineNo,
        `has ${cells.length} columns, expected ${COLUMNS} (unit, cycle, 3 settings, 21 sensors)`,
      );
    }
    const values = cells.map(Number);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw invalid(lineNo, `column ${bad + 1} is not a number: "${cells[bad]}"`);
    const [unit, cycle] = values as [number, number];
    if (!Number.isInteger(unit) || unit < 1)
      throw invalid(lineNo, `unit "${cells[0]}" is not a positive integer`);
    if (!Number.isInteger(cycle) || cycle < 1)
      throw invalid(lineNo, `cycle "${cells[1]}" is not a positive integer`);
    if (current?.unit !== unit) {
      if (units.has(unit)) throw invalid(lineNo, `unit ${unit} appears again after other units`);
      current = { unit, cycles: [], settings: [], sensors: [] };
      units.set(unit, current);
    }
    const expected = current.cycles.length + 1;
    if (cycle !== expected)
      throw invalid(lineNo, `unit ${unit} has cycle ${cycle} where cycle ${expected} was expected`);
    current.cycles.push(cycle);
    current.settings.push(values.slice(2, 2 + CMAPSS_SETTINGS));
    current.sensors.push(values.slice(2 + CMAPSS_SETTINGS));
  });
  if (units.size === 0) throw new RulError('CMAPSS_INVALID', 'the input has no data lines');
  return [...units.values()];
}

function invalid(lineNo: number, what: string): RulError {
  return new RulError('CMAPSS_INVALID', `line ${lineNo} ${what}`);
}
