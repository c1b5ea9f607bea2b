import type { Limits } from '@twinlog/domain';
import { limitsText } from './limits-text';
import { format, isFraction, quantity, unitInParentheses, unitSuffix } from './number-format';

// The machining process's figures and the machines' dimensionless properties, as the models give them.
const OEE: Limits = { normal: { low: 0.6 }, warning: { low: 0.4 }, alarm: { low: 0.25 } };
const TOOL_WEAR: Limits = { normal: { low: 0, high: 0.6 }, failure: { high: 1 } };
const TEMPERATURE: Limits = { normal: { low: 10, high: 70 }, alarm: { high: 85 } };

describe('numbers as the dashboard shows them', () => {
  it('rounds to four significant digits, whole and large numbers to two decimals', () => {
    expect([
      format(0.79123),
      format(58.5),
      format(1234.567),
      format(undefined),
      format(NaN),
    ]).toEqual(['0.7912', '58.5', '1234.57', '–', '–']);
  });

  it('shows a fraction of unit "1" (its limits within 0–1) as a percentage, never "0.7912 1"', () => {
    expect(isFraction('1', OEE)).toBe(true);
    expect(quantity(0.79123, '1', OEE)).toBe('79.12 %');
    expect(quantity(1, '1', { normal: { low: 0.95 } })).toBe('100 %'); // quality 1, not "1 1"
    expect(quantity(0.45, '1', TOOL_WEAR)).toBe('45 %');
  });

  it('shows any other "1" as a bare number, and other units after the number', () => {
    expect(quantity(2, '1')).toBe('2'); // machine_state: no limits, not a fraction
    expect(quantity(2, '1', TEMPERATURE)).toBe('2'); // limits beyond 0–1: not a fraction
    expect(quantity(58.5, '°C', TEMPERATURE)).toBe('58.5 °C');
    expect(quantity(12, 'parts')).toBe('12 parts');
    expect(quantity(Infinity, '1', OEE)).toBe('–');
    expect([unitSuffix('1'), unitSuffix(''), unitSuffix('°C')]).toEqual(['', '', ' °C']);
    expect([unitInParentheses('1'), unitInParentheses('parts/h')]).toEqual(['', ' (parts/h)']);
  });

  it('writes a value against its limits in the same units', () => {
    expect(limitsText('oee', 0.55, '1', OEE)).toBe(
      'oee: 55 %; warning at or below 40 %; alarm at or below 25 %',
    );
    expect(limitsText('temperature', 58.5, '°C', TEMPERATURE)).toBe(
      'temperature: 58.5 °C; alarm at or above 85 °C',
    );
  });
});
