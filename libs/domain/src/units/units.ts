import { TwinlogError } from '../errors';
import { hasOwnName, ownValue } from '../own-names';
import { bounded, excerpt } from '../bounded-echo';

/**
 * Units a plant sends, by dimension, as a scale and offset to the dimension's base unit:
 * base = value * scale + offset. Temperature is the one affine dimension.
 */
interface UnitDef {
  dimension: string;
  scale: number;
  offset?: number;
}

const UNITS: Record<string, UnitDef> = {
  '°C': { dimension: 'temperature', scale: 1 },
  '°F': { dimension: 'temperature', scale: 5 / 9, offset: -32 * (5 / 9) },
  K: { dimension: 'temperature', scale: 1, offset: -273.15 },
  W: { dimension: 'power', scale: 0.001 },
  kW: { dimension: 'power', scale: 1 },
  MW: { dimension: 'power', scale: 1000 },
  hp: { dimension: 'power', scale: 0.745699872 },
  rpm: { dimension: 'rotational speed', scale: 1 },
  'rev/s': { dimension: 'rotational speed', scale: 60 },
  Hz: { dimension: 'rotational speed', scale: 60 },
  'rad/s': { dimension: 'rotational speed', scale: 60 / (2 * Math.PI) },
  'mm/s': { dimension: 'velocity', scale: 1 },
  'm/s': { dimension: 'velocity', scale: 1000 },
  'in/s': { dimension: 'velocity', scale: 25.4 },
  'L/min': { dimension: 'volume flow', scale: 1 },
  'm³/h': { dimension: 'volume flow', scale: 1000 / 60 },
  'gal/min': { dimension: 'volume flow', scale: 3.785411784 },
  bar: { dimension: 'pressure', scale: 1 },
  Pa: { dimension: 'pressure', scale: 1e-5 },
  kPa: { dimension: 'pressure', scale: 0.01 },
  MPa: { dimension: 'pressure', scale: 10 },
  psi: { dimension: 'pressure', scale: 0.0689475729 },
  A: { dimension: 'current', scale: 1 },
  mA: { dimension: 'current', scale: 0.001 },
  V: { dimension: 'voltage', scale: 1 },
  kV: { dimension: 'voltage', scale: 1000 },
  '1': { dimension: 'fraction', scale: 1 },
  '%': { dimension: 'fraction', scale: 0.01 },
  'parts/h': { dimension: 'throughput', scale: 1 },
  'parts/min': { dimension: 'throughput', scale: 60 },
  // Counts of pieces (a machine's parts counter, a process's work in progress).
  parts: { dimension: 'count', scale: 1 },
  // Durations (a process's cycle time).
  s: { dimension: 'duration', scale: 1 },
  min: { dimension: 'duration', scale: 60 },
  h: { dimension: 'duration', scale: 3600 },
};

/** Spellings seen in the wild, mapped to the canonical symbol. */
const ALIASES: Record<string, string> = {
  C: '°C',
  degC: '°C',
  celsius: '°C',
  '℃': '°C',
  F: '°F',
  degF: '°F',
  fahrenheit: '°F',
  '℉': '°F',
  kelvin: 'K',
  RPM: 'rpm',
  'r/min': 'rpm',
  'l/min': 'L/min',
  'm3/h': 'm³/h',
  gpm: 'gal/min',
  percent: '%',
  fraction: '1',
  '': '1',
};

export function canonicalUnit(unit: string): string {
  const trimmed = unit.trim();
  return ownValue(ALIASES, trimmed) ?? trimmed;
}

/**
 * Converts a value from one unit to another of the same dimension. Unknown units and units of
 * different dimensions are UNIT_MISMATCH, never a silent guess.
 */
export function convertUnit(value: number, from: string, to: string): number {
  const [source, target] = [canonicalUnit(from), canonicalUnit(to)];
  if (source === target) return value;
  const a = ownValue(UNITS, source);
  const b = ownValue(UNITS, target);
  if (!a || !b || a.dimension !== b.dimension) {
    const why = !a
      ? `${excerpt(from)} is not a known unit`
      : !b
        ? `${excerpt(to)} is not a known unit`
        : `${a.dimension} cannot become ${b.dimension}`;
    throw new TwinlogError(
      'UNIT_MISMATCH',
      `Cannot convert ${bounded(from)} to ${bounded(to)}: ${why}`,
      {
        from: bounded(from),
        to: bounded(to),
      },
    );
  }
  const base = value * a.scale + (a.offset ?? 0);
  return (base - (b.offset ?? 0)) / b.scale;
}

export function isKnownUnit(unit: string): boolean {
  return hasOwnName(UNITS, canonicalUnit(unit));
}

/** The dimension of a known unit (temperature, power ...), or undefined for an unknown one. */
export function dimensionOf(unit: string): string | undefined {
  return UNITS[canonicalUnit(unit)]?.dimension;
}
