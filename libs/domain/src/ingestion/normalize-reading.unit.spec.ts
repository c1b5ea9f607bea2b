import { isTwinlogError } from '../errors';
import { at, context, fixtureCatalog, given } from '../testing/fixtures';
import { normalizeReading, type IncomingReading } from './normalize-reading';

const mill = given('mill-1', [{ type: 'RegisterTwin', twinType: 'mill', modelVersion: 2 }]).state;
const model = fixtureCatalog.get('mill', 2);
const normalize = (input: Partial<IncomingReading>) =>
  normalizeReading(
    { twinId: 'mill-1', property: 'temperature', value: 41.5, time: at(60), ...input },
    mill,
    model,
    context(),
  );

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isTwinlogError(error)) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('normalising incoming readings', () => {
  it('converts to the declared unit and gives a missing unit the declared one', () => {
    expect(normalize({ value: 212, unit: '°F' })).toMatchObject({ value: 100, unit: '°C' });
    expect(normalize({ property: 'power', value: 1500, unit: 'W' })).toMatchObject({
      value: 1.5,
      unit: 'kW',
    });
    expect(normalize({})).toMatchObject({ value: 41.5, unit: '°C' });
  });

  it('normalises the time to UTC and derives a stable reading id when none is sent', () => {
    const viaOffset = normalize({ time: '2026-01-01T02:01:00+01:00' });
    const viaEpoch = normalize({ time: Date.parse(at(3660)) });
    expect(viaOffset.occurredAt).toBe(at(3660));
    expect(viaEpoch.readingId).toBe(viaOffset.readingId);
    expect(normalize({ readingId: 'sensor-42-0001' }).readingId).toBe('sensor-42-0001');
  });

  it.each([
    ['an unknown property', { property: 'torque' }, 'PROPERTY_UNKNOWN'],
    ['a missing property', { property: undefined }, 'PROPERTY_UNKNOWN'],
    ['a number as text', { value: '41.5' }, 'VALUE_INVALID'],
    ['NaN', { value: Number.NaN }, 'VALUE_INVALID'],
    ['Infinity', { value: Number.POSITIVE_INFINITY }, 'VALUE_INVALID'],
    [
      'a fraction for an integer property',
      { property: 'spindle_speed', value: 100.5 },
      'VALUE_INVALID',
    ],
    ['null', { value: null }, 'VALUE_INVALID'],
    ['a unit of another dimension', { unit: 'bar' }, 'UNIT_MISMATCH'],
    ['an unknown unit', { unit: 'furlongs' }, 'UNIT_MISMATCH'],
    ['a time without a zone', { time: '2026-01-01T01:00:00' }, 'TIMESTAMP_IMPLAUSIBLE'],
    ['a time from 1970', { time: 0 }, 'TIMESTAMP_IMPLAUSIBLE'],
    ['a time next year', { time: '2027-06-01T00:00:00Z' }, 'TIMESTAMP_IMPLAUSIBLE'],
    ['a garbled time', { time: 'yesterday' }, 'TIMESTAMP_IMPLAUSIBLE'],
    ['a time before the twin was registered', { time: at(-60) }, 'TIMESTAMP_IMPLAUSIBLE'],
    ['an empty reading id', { readingId: '' }, 'VALUE_INVALID'],
  ])('refuses %s', (_label, input, expected) => {
    expect(code(() => normalize(input))).toBe(expected);
  });

  const later = context({ now: '2026-12-05T00:00:00.000Z' });
  const normalizeLater = (input: Partial<IncomingReading>) =>
    normalizeReading(
      { twinId: 'mill-1', property: 'temperature', value: 41.5, time: at(60), ...input },
      mill,
      model,
      later,
    );

  it.each([
    ['epoch ms 1e20', 1e20],
    ['epoch ms -1e20', -1e20],
    ['a year past JavaScript dates', '+275760-09-13T00:00:00.000Z'],
    ['a five-digit year', '12026-11-27T10:00:00Z'],
    ['31 November', '2026-11-31T00:30:00Z'],
    ['30 February', '2026-02-30T00:30:00Z'],
    ['hour 25', '2026-11-27T25:00:00Z'],
    ['minute 60', '2026-11-27T23:60:00Z'],
  ])(
    'refuses the impossible time %s with TIMESTAMP_IMPLAUSIBLE, never a RangeError',
    (_l, time) => {
      expect(code(() => normalizeLater({ time }))).toBe('TIMESTAMP_IMPLAUSIBLE');
    },
  );

  it.each([
    ['a °C below absolute zero', { value: -1e308 }],
    ['-274 °C', { value: -274 }],
    ['a K below zero, converted', { value: -1, unit: 'K' }],
    ['a magnitude that overflows sums', { value: 1e308 }],
    ['1e308 W, converted to kW', { property: 'power', value: 1e308, unit: 'W' }],
    ['a negative power', { property: 'power', value: -5 }],
    ['a negative spindle speed', { property: 'spindle_speed', value: -100 }],
  ])('refuses %s with VALUE_OUT_OF_BOUNDS', (_label, input) => {
    expect(code(() => normalize(input))).toBe('VALUE_OUT_OF_BOUNDS');
  });

  it('accepts values at the physical bounds', () => {
    expect(normalize({ value: -273.15 }).value).toBe(-273.15);
    expect(normalize({ value: 0, unit: 'K' }).value).toBeCloseTo(-273.15, 10);
    expect(normalize({ property: 'power', value: 0 }).value).toBe(0);
  });
});

describe('readings of a derived property', () => {
  const derivedModel = {
    ...model,
    properties: {
      ...model.properties,
      oee: {
        unit: '1',
        valueType: 'number' as const,
        limits: {},
        derived: 'process-kpis' as const,
      },
    },
  };
  it('are refused PROPERTY_DERIVED, naming the property, whatever their reading id', () => {
    let refused: unknown;
    try {
      normalizeReading(
        {
          twinId: 'mill-1',
          property: 'oee',
          value: 0.01,
          time: at(60),
          readingId: `mill-1/oee/${Date.parse(at(60))}/derived`,
        },
        mill,
        derivedModel,
        context(),
      );
    } catch (error) {
      refused = error;
    }
    expect(isTwinlogError(refused) && refused.code).toBe('PROPERTY_DERIVED');
    expect((refused as Error).message).toContain('oee');
    expect(isTwinlogError(refused) && refused.details).toMatchObject({
      property: 'oee',
      derived: 'process-kpis',
    });
  });
});
