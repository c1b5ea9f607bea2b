import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { isTwinlogError } from '../errors';
import { parseTwinModel } from './parse-twin-model';
import { ModelCatalog } from './model-catalog';
import {
  defaultPhysicalRange,
  MAGNITUDE_CAP,
  physicallyPossible,
  physicalRangeOf,
} from './physical-range';

const head = 'type: probe\nversion: 1\nlevel: component\nproperties:\n';
const property = (spec: string) =>
  parseTwinModel(`${head}  x: ${spec}\n`, 'probe.yaml').properties['x']!;

function problem(text: string): string {
  try {
    parseTwinModel(text, 'probe.yaml');
  } catch (error) {
    if (isTwinlogError(error, 'MODEL_INVALID')) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('physical ranges of properties', () => {
  it.each([
    ['°C', -273.15],
    ['°F', -459.67],
    ['K', 0],
    ['kW', 0],
    ['rpm', 0],
    ['L/min', 0],
    ['%', 0],
    ['parts/h', 0],
    ['bar', -1.01325],
    ['mm/s', -MAGNITUDE_CAP],
    ['A', -MAGNITUDE_CAP],
    ['furlongs', -MAGNITUDE_CAP],
  ])('gives %s the default floor %p and the magnitude cap above', (unit, min) => {
    expect(defaultPhysicalRange(unit)).toEqual({ min, max: MAGNITUDE_CAP });
  });

  it("takes each side of the model's physicalRange, and the unit's default for the other", () => {
    expect(physicalRangeOf(property('{ unit: kW, physicalRange: { min: -50 } }'))).toEqual({
      min: -50,
      max: MAGNITUDE_CAP,
    });
    expect(physicalRangeOf(property('{ unit: "%", physicalRange: { max: 100 } }'))).toEqual({
      min: 0,
      max: 100,
    });
  });

  it.each([
    [
      'a limit below absolute zero',
      '{ unit: °C, limits: { failure: { low: -300 } } }',
      'physical range',
    ],
    [
      'a limit beyond the cap',
      '{ unit: mm/s, limits: { alarm: { high: 1e300 } } }',
      'physical range',
    ],
    [
      'a limit outside the declared range',
      '{ unit: "%", physicalRange: { max: 100 }, limits: { alarm: { high: 120 } } }',
      'physical range',
    ],
    [
      'a range below what the unit can be',
      '{ unit: K, physicalRange: { min: -1 } }',
      'physically be',
    ],
    ['a range beyond the cap', '{ unit: kW, physicalRange: { max: 1e16 } }', 'beyond'],
    [
      'an inverted range',
      '{ unit: kW, physicalRange: { min: 5, max: 1 } }',
      'min must not exceed max',
    ],
    ['an infinite range', '{ unit: kW, physicalRange: { max: .inf } }', 'Infinity'],
  ])('refuses %s', (_label, spec, why) => {
    expect(problem(`${head}  x: ${spec}\n`)).toContain(why);
  });
});

describe('readings a log kept from before ranges were checked', () => {
  it('are left out of what analytics sees; unknown properties and unknown models pass', () => {
    const catalog = ModelCatalog.of([
      { model: parseTwinModel(`${head}  t: { unit: °C }\n`, 'probe.yaml'), source: 'probe.yaml' },
    ]);
    const twin = { twinType: 'probe', modelVersion: 1 };
    const readings = [
      { property: 't', value: 20 },
      { property: 't', value: -1e308 },
      { property: 't', value: 1e16 },
      { property: 'other', value: -1e308 },
    ];
    expect(physicallyPossible(readings, twin, catalog)).toEqual([readings[0], readings[3]]);
    expect(physicallyPossible(readings, { twinType: 'x', modelVersion: 1 }, catalog)).toBe(
      readings,
    );
  });
});

// Hostile model documents: whatever the text, parseTwinModel answers a model or MODEL_INVALID.
const number = fc.oneof(
  fc.double(),
  fc.constantFrom(1e308, -1e308, 1e15, -273.15, 0, -0, Number.NaN, Infinity, -Infinity),
  fc.integer(),
);
const band = fc.record({ low: number, high: number }, { requiredKeys: [] });
const spec = fc.record(
  {
    unit: fc.oneof(
      fc.constantFrom('°C', '°F', 'K', 'kW', 'rpm', 'mm/s', '%', '1', 'bar', ''),
      fc.string(),
    ),
    valueType: fc.constantFrom('number', 'integer', 'text'),
    limits: fc.record(
      { normal: band, warning: band, alarm: band, failure: band },
      { requiredKeys: [] },
    ),
    physicalRange: fc.record({ min: number, max: number }, { requiredKeys: [] }),
    rollup: fc.constantFrom('sum', 'mean', 'median'),
    physics: fc.dictionary(fc.string(), number),
  },
  { requiredKeys: ['unit'] },
);
const names = fc.oneof(
  fc.constantFrom(
    'temperature',
    'vibration',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
  ),
  fc.string(),
);
const modelDoc = fc.record(
  {
    type: fc.oneof(fc.constant('probe'), fc.string()),
    version: fc.oneof(fc.constant(1), number),
    level: fc.constantFrom('component', 'asset', 'planet'),
    properties: fc.dictionary(names, spec, { maxKeys: 4 }),
    children: fc.array(fc.record({ type: fc.string(), min: number, max: number }), {
      maxLength: 2,
    }),
    anomaly: fc.record({ multivariate: fc.record({ properties: fc.array(names) }) }),
  },
  { requiredKeys: ['type', 'version', 'level'] },
);

function answer(text: string, source: string): void {
  let model;
  try {
    model = parseTwinModel(text, source);
  } catch (error) {
    if (!isTwinlogError(error, 'MODEL_INVALID')) throw error;
    return;
  }
  for (const p of Object.values(model.properties)) {
    const range = physicalRangeOf(p);
    expect(Number.isFinite(range.min) && Number.isFinite(range.max)).toBe(true);
    for (const b of Object.values(p.limits))
      for (const bound of [b?.low, b?.high])
        if (bound !== undefined) expect(bound >= range.min && bound <= range.max).toBe(true);
  }
}

describe('hostile model documents', () => {
  it('answers a model or MODEL_INVALID for any generated model, as JSON or YAML', () => {
    fc.assert(
      fc.property(modelDoc, (doc) => {
        answer(JSON.stringify(doc), 'probe.json');
        answer(toYaml(doc), 'probe.yaml');
      }),
      { numRuns: 500 },
    );
  });

  it('answers MODEL_INVALID for any text or JSON value that is not a model', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          answer(text, 'probe.json');
          answer(text, 'probe.yaml');
        },
      ),
      { numRuns: 500 },
    );
  });
});
