import { isTwinlogError } from '../errors';
import { canonicalUnit, convertUnit } from './units';

describe('unit conversion', () => {
  it.each([
    [212, '°F', '°C', 100],
    [32, 'degF', '°C', 0],
    [-40, 'F', 'C', -40],
    [300, 'K', '°C', 26.85],
    [37, '°C', 'K', 310.15],
    [1500, 'W', 'kW', 1.5],
    [2, 'MW', 'kW', 2000],
    [10, 'hp', 'kW', 7.45699872],
    [100, 'rev/s', 'rpm', 6000],
    [2 * Math.PI, 'rad/s', 'rpm', 60],
    [1, 'in/s', 'mm/s', 25.4],
    [6, 'm³/h', 'L/min', 100],
    [14.5037738, 'psi', 'bar', 1],
    [250, 'kPa', 'bar', 2.5],
    [45, '%', '1', 0.45],
    [120, 'parts/min', 'parts/h', 7200],
  ])('%s %s is %s %s', (value, from, to, expected) => {
    expect(convertUnit(value, from, to)).toBeCloseTo(expected, 6);
  });

  it('round-trips', () => {
    for (const [a, b] of [
      ['°F', 'K'],
      ['psi', 'kPa'],
      ['gal/min', 'm³/h'],
    ] as const) {
      expect(convertUnit(convertUnit(123.4, a, b), b, a)).toBeCloseTo(123.4, 9);
    }
  });

  it('knows common spellings', () => {
    expect(canonicalUnit(' degC ')).toBe('°C');
    expect(canonicalUnit('RPM')).toBe('rpm');
    expect(canonicalUnit('m3/h')).toBe('m³/h');
  });

  it.each([
    ['°C', 'kW', /temperature cannot become power/],
    ['furlongs', 'mm/s', /"furlongs" is not a known unit/],
    ['°C', 'bogus', /"bogus" is not a known unit/],
  ])('refuses %s to %s', (from, to, reason) => {
    expect(() => convertUnit(1, from, to)).toThrow(reason);
    try {
      convertUnit(1, from, to);
    } catch (error) {
      expect(isTwinlogError(error, 'UNIT_MISMATCH')).toBe(true);
    }
  });
});
