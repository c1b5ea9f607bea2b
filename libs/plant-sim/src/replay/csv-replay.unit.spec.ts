import { parseColumnMapping } from './column-mapping';
import { parseCsvTime, planReplay, replaySample } from './csv-replay';
import { parseCsv } from './csv-table';

const SKAB = `datetime;Accelerometer1RMS;Accelerometer2RMS;Current;Pressure;Temperature;Thermocouple;Voltage;Volume Flow RateRMS;anomaly;changepoint
2020-03-09 10:34:34;0.026995;0.0387587;1.30128;0.054711;75.5445;25.8408;224.17;32.0;0.0;0.0
2020-03-09 10:34:33;0.0270797;0.039615;0.871339;0.054711;75.4955;25.8338;244.091;32.0;0.0;0.0
2020-03-09 10:34:35;0.0271;;0.9;0.0547;75.6;25.85;230.1;NaN;0.0;0.0
`;

describe('CSV replay', () => {
  it("reads a SKAB file (';' separated) and maps columns to twin properties, in time order", () => {
    const table = parseCsv(SKAB);
    expect(table.separator).toBe(';');
    const replay = planReplay(table, [
      parseColumnMapping('Accelerometer1RMS=vibration', 'pump-1'),
      parseColumnMapping('Volume Flow RateRMS=skab-pump/flow_rate@L/min', 'pump-1'),
    ]);
    expect(replay.rows.map((r) => r.atMs)).toEqual([
      Date.UTC(2020, 2, 9, 10, 34, 33),
      Date.UTC(2020, 2, 9, 10, 34, 34),
      Date.UTC(2020, 2, 9, 10, 34, 35),
    ]);
    expect(replay.rows[0]!.values).toEqual([
      { twinId: 'pump-1', property: 'vibration', value: 0.0270797 },
      { twinId: 'skab-pump', property: 'flow_rate', value: 32, unit: 'L/min' },
    ]);
    // The NaN flow on the last row is left out, not sent as a value.
    expect(replay.rows[2]!.values).toHaveLength(1);
    expect(replay).toMatchObject({ readings: 5, skippedCells: 1, twins: ['pump-1', 'skab-pump'] });
  });

  it('moves a row in time and gives each reading a deterministic id', () => {
    const replay = planReplay(parseCsv(SKAB), [parseColumnMapping('Current=current', 'm-1')]);
    const shift = Date.parse('2026-06-01T00:00:00Z') - replay.firstMs;
    const sample = replaySample(replay.rows[1]!, shift);
    expect(sample.readings).toEqual([
      {
        twinId: 'm-1',
        property: 'current',
        value: 1.30128,
        time: '2026-06-01T00:00:01.000Z',
        readingId: `m-1/current/${Date.parse('2026-06-01T00:00:01Z')}`,
      },
    ]);
  });

  it('reads comma files with quoted cells, epoch and IMS-style times', () => {
    const table = parseCsv('"time","Bearing 1, outer"\n1700000000,0.5\n1700000001000,"0.6"\n');
    expect(table.header).toEqual(['time', 'Bearing 1, outer']);
    const replay = planReplay(table, [parseColumnMapping('Bearing 1, outer=b1/vibration')]);
    expect(replay.rows.map((r) => r.atMs)).toEqual([1_700_000_000_000, 1_700_000_001_000]);
    expect(parseCsvTime('2004.02.12.10.32.39', 2)).toBe(Date.UTC(2004, 1, 12, 10, 32, 39));
    expect(parseCsvTime('2026-01-01T10:00:00+02:00', 2)).toBe(Date.UTC(2026, 0, 1, 8));
    // Impossible dates and times beyond JavaScript's are refused, never rolled over or thrown as RangeError.
    for (const bad of [
      '2020-02-30 10:00:00',
      '2026-11-31T00:30:00Z',
      '2004.02.12.25.32.39',
      '1e20',
      '100000000000000000000',
      '12026-01-01T00:00:00Z',
    ])
      expect(() => parseCsvTime(bad, 7)).toThrow(/Line 7/);
  });

  it('says clearly what is wrong with a file or a mapping', () => {
    const table = parseCsv(SKAB);
    expect(() => planReplay(table, [parseColumnMapping('Vibration=vibration', 'p')])).toThrow(
      expect.objectContaining({
        code: 'MAPPING_INVALID',
        message: expect.stringContaining('columns: datetime, Accelerometer1RMS'),
      }),
    );
    expect(() => planReplay(table, [])).toThrow(
      expect.objectContaining({ code: 'MAPPING_INVALID' }),
    );
    expect(() => parseColumnMapping('Current=current')).toThrow(/names no twin/);
    expect(() => parseColumnMapping('Current', 'p')).toThrow(/is not Column=property/);
    expect(() => parseColumnMapping('Current=Current', 'p')).toThrow(/lower_snake_case/);
    expect(() =>
      planReplay(parseCsv('t;v\n2020-01-01 00:00:00;abc\n'), [parseColumnMapping('v=p/x')]),
    ).toThrow(
      expect.objectContaining({
        code: 'CSV_VALUE_INVALID',
        message: expect.stringContaining('Line 2'),
      }),
    );
    expect(() => planReplay(parseCsv('t;v\nyesterday;1\n'), [parseColumnMapping('v=p/x')])).toThrow(
      expect.objectContaining({ code: 'CSV_TIME_INVALID' }),
    );
    expect(() => parseCsv('t;v\n1;2;3\n')).toThrow(
      expect.objectContaining({ code: 'CSV_INVALID' }),
    );
    expect(() => parseCsv('')).toThrow(expect.objectContaining({ code: 'CSV_INVALID' }));
    expect(() => parseCsv('t;v\n')).toThrow(/no data rows/);
  });
});
