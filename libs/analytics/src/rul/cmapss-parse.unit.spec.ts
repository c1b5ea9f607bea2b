import { parseCmapss } from './cmapss-parse';
import { isRulError } from './rul-error';
import { formatCmapss, syntheticFleet } from './testing/synthetic-fleet';

const row = (unit: number, cycle: number, last = '23.4190') =>
  `${unit} ${cycle} -0.0007 -0.0004 100.0 518.67 641.82 1589.70 1400.60 14.62 21.61 554.36 2388.06 9046.19 1.30 47.47 521.66 2388.02 8138.62 8.4195 0.03 392 2388 100.00 39.06 ${last}  `;

function failure(text: string): string {
  try {
    parseCmapss(text);
  } catch (error) {
    expect(isRulError(error, 'CMAPSS_INVALID')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('parsed a malformed file');
}

describe('parseCmapss', () => {
  it('reads the NASA layout (trailing spaces, CRLF, a blank last line) into units in file order', () => {
    const units = parseCmapss([row(1, 1), row(1, 2), row(2, 1)].join('\r\n') + '\r\n\r\n');
    expect(units.map((u) => [u.unit, u.cycles])).toEqual([
      [1, [1, 2]],
      [2, [1]],
    ]);
    expect(units[0]!.settings[0]).toEqual([-0.0007, -0.0004, 100]);
    expect(units[0]!.sensors[0]).toHaveLength(21);
    expect(units[0]!.sensors[0]![20]).toBe(23.419);
  });

  it('round-trips what formatCmapss writes', () => {
    const fleet = syntheticFleet({ units: 3, regimes: 2, minLife: 40, maxLife: 60, seed: 4 });
    const back = parseCmapss(formatCmapss(fleet));
    expect(back.map((u) => u.cycles.length)).toEqual(fleet.map((u) => u.cycles.length));
    expect(back[2]!.sensors[7]).toEqual(fleet[2]!.sensors[7]);
  });

  it('names the line of a malformed row', () => {
    expect(failure(`${row(1, 1)}\n${row(1, 2).replace(' 23.4190', '')}\n`)).toBe(
      'line 2 has 25 columns, expected 26 (unit, cycle, 3 settings, 21 sensors)',
    );
    expect(failure(`${row(1, 1)}\n\n${row(1, 2, 'abc')}`)).toBe(
      'line 3 column 26 is not a number: "abc"',
    );
    expect(failure(`${row(1, 1)}\n${row(1, 3)}`)).toBe(
      'line 2 unit 1 has cycle 3 where cycle 2 was expected',
    );
    expect(failure(`${row(1, 1)}\n${row(2, 1)}\n${row(1, 2)}`)).toBe(
      'line 3 unit 1 appears again after other units',
    );
    expect(failure(row(0, 1))).toBe('line 1 unit "0" is not a positive integer');
    expect(failure(row(1, 1.5))).toBe('line 1 cycle "1.5" is not a positive integer');
    expect(failure('unit,cycle,setting1\n')).toMatch(/^line 1 has 1 columns/);
    expect(failure('\n  \n')).toBe('the input has no data lines');
  });
});
