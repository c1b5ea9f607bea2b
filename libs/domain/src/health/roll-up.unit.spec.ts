import { ModelCatalog } from '../model/model-catalog';
import { parseTwinModel } from '../model/parse-twin-model';
import { initialTwinState, type TwinState } from '../twin/twin-state';
import { rollUp } from './roll-up';

// Issue 15: a roll-up's sum of extreme values overflowed to Infinity, which JSON answers as null.
const catalog = ModelCatalog.of(
  [
    `type: line
version: 1
level: system
children: [{ type: machine }]
properties: {}`,
    `type: machine
version: 1
level: asset
properties:
  power: { unit: kW, rollup: sum }
  temperature: { unit: °C, rollup: mean }
  speed: { unit: rpm, rollup: max }
  flow: { unit: L/min, rollup: min }`,
  ].map((text, i) => ({ model: parseTwinModel(text, `roll-up-${i}.yaml`), source: `${i}.yaml` })),
);

const twin = (twinId: string, over: Partial<TwinState>): TwinState => ({
  ...initialTwinState(twinId),
  status: 'active',
  modelVersion: 1,
  ...over,
});
const reported = (values: Record<string, number>, unit = 'kW') =>
  Object.fromEntries(
    Object.entries(values).map(([property, value]) => [
      property,
      {
        value,
        unit,
        occurredAt: '2026-01-01T00:00:00.000Z',
        readingId: 'r',
        eventId: 'e',
        revision: 1,
      },
    ]),
  );

function lineOf(machines: Array<Record<string, number>>) {
  const states = new Map<string, TwinState>();
  machines.forEach((values, i) =>
    states.set(
      `m-${i}`,
      twin(`m-${i}`, { twinType: 'machine', level: 'asset', reported: reported(values) }),
    ),
  );
  const line = twin('line', {
    twinType: 'line',
    level: 'system',
    children: [...states.keys()].map((twinId) => ({ twinId, twinType: 'machine' })),
  });
  return rollUp(line, (id) => states.get(id), catalog);
}

describe('roll-up aggregates with extreme values', () => {
  it('never answers Infinity or NaN (null in JSON), even for values stored before ranges were checked', () => {
    const result = lineOf([
      { power: 1e308, temperature: -1e308, speed: 1e308, flow: -1e308 },
      { power: 1e308, temperature: 1e308, speed: 5, flow: 7 },
      { power: 2, temperature: 20, speed: 3, flow: 9 },
    ]);
    for (const aggregate of Object.values(result.aggregates)) {
      expect(Number.isFinite(aggregate.value)).toBe(true);
      expect(JSON.parse(JSON.stringify(aggregate)).value).not.toBeNull();
    }
    // What a property cannot physically be is left out, and counted as such.
    expect(result.aggregates['power']).toMatchObject({ value: 2, count: 1, excluded: 2 });
    expect(result.aggregates['temperature']).toMatchObject({ value: 20, count: 1, excluded: 2 });
  });

  it('sums and averages in-range extremes exactly, without overflow or cancellation', () => {
    const big = 1e15;
    const result = lineOf([
      { power: big, temperature: big, speed: big, flow: big },
      { power: 1, temperature: big, speed: 0, flow: 0 },
      { power: big, temperature: -273.15, speed: 1, flow: 1 },
      { power: 0.5, temperature: big, speed: 2, flow: 2 },
    ]);
    expect(result.aggregates['power']).toMatchObject({ value: 2 * big + 1.5, count: 4 });
    expect(result.aggregates['temperature']?.value).toBeCloseTo((3 * big - 273.15) / 4, -1);
    expect(result.aggregates['speed']?.value).toBe(big);
    expect(result.aggregates['flow']?.value).toBe(0);
  });

  it('keeps small contributions next to large ones (compensated sum)', () => {
    const machines = [{ power: 1e15 }, ...Array.from({ length: 1000 }, () => ({ power: 0.1 }))];
    machines.push({ power: 0 });
    expect(lineOf(machines).aggregates['power']?.value).toBe(1e15 + 100);
  });

  it('aggregates a line of 200,000 machines without exhausting the stack', () => {
    const machines = Array.from({ length: 200_000 }, (_, i) => ({ power: i % 10, flow: i % 7 }));
    const result = lineOf(machines);
    expect(result.aggregates['power']?.value).toBe(900_000);
    expect(result.aggregates['flow']?.value).toBe(0);
  });
});
