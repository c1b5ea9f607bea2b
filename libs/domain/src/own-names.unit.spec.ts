import fc from 'fast-check';
import type { EventEnvelope } from './events/twin-events';
import { twinHealth } from './health/health';
import { rollUp } from './health/roll-up';
import { diffStates } from './health/state-diff';
import { screenReadings, type ReadingVerdict } from './ingestion/screen-readings';
import { OBJECT_BUILT_IN_NAMES } from './own-names';
import { at, context, fixtureCatalog, given } from './testing/fixtures';
import { evolveTwin } from './twin/evolve-twin';
import { TwinProjection } from './twin/twin-projection';
import { initialTwinState, type TwinState } from './twin/twin-state';
import { convertUnit, isKnownUnit } from './units/units';

const mill = given('mill-1', [{ type: 'RegisterTwin', twinType: 'mill', modelVersion: 2 }]).state;
const outcome = (v: ReadingVerdict) => (v.status === 'rejected' ? v.error.code : v.status);
const hostile = fc.oneof(
  fc.constantFrom(...OBJECT_BUILT_IN_NAMES),
  fc.string(),
  fc.constantFrom('__proto__.x', 'constructor.prototype', 'toString '),
);

function screen(fields: Record<string, unknown>): ReadingVerdict {
  const [verdict] = screenReadings(
    [{ twinId: 'mill-1', property: 'temperature', value: 40, time: at(60), ...fields }],
    { ...context(), twin: (id) => (id === 'mill-1' ? mill : undefined), seen: () => false },
  );
  return verdict!;
}

/** Object.prototype as it was before the test: nothing may add to it. */
const pristine = Object.getOwnPropertyNames(Object.prototype).sort();
afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(pristine);
  expect(({} as Record<string, unknown>)['value']).toBeUndefined();
});

describe('names from outside are never Object members', () => {
  it('refuses an Object built-in name as a property, twin id or unit, with its own code', () => {
    for (const name of OBJECT_BUILT_IN_NAMES) {
      expect([name, outcome(screen({ property: name }))]).toEqual([name, 'PROPERTY_UNKNOWN']);
      expect(['TWIN_NOT_FOUND', 'TWIN_ID_INVALID']).toContain(outcome(screen({ twinId: name })));
      expect([name, outcome(screen({ unit: name }))]).toEqual([name, 'UNIT_MISMATCH']);
      expect(isKnownUnit(name)).toBe(false);
      expect(() => convertUnit(1, '°C', name)).toThrow(/not a known unit/);
    }
  });

  it('gives any property name a verdict, never an exception (property test)', () => {
    fc.assert(
      fc.property(hostile, hostile, (property, unit) => {
        expect(['PROPERTY_UNKNOWN', 'UNIT_MISMATCH', 'accepted']).toContain(
          outcome(screen({ property, unit })),
        );
      }),
    );
  });

  it('refuses limits and resets of an Object built-in name', () => {
    for (const property of OBJECT_BUILT_IN_NAMES) {
      const twin = given('mill-1', [{ type: 'RegisterTwin', twinType: 'mill', modelVersion: 2 }]);
      expect(() =>
        twin.when({ type: 'ChangeLimits', property, limits: { normal: { high: 1 } } }),
      ).toThrow(expect.objectContaining({ code: 'PROPERTY_UNKNOWN' }));
      expect(() =>
        twin.when({
          type: 'RecordMaintenance',
          kind: 'repair',
          performedAt: at(10),
          resets: [property],
        }),
      ).toThrow(expect.objectContaining({ code: 'PROPERTY_UNKNOWN' }));
    }
  });

  it('folds and replays events that carry such names without touching any prototype', () => {
    let revision = 0;
    const envelope = (type: string, data: unknown, seconds: number) =>
      ({
        id: `e-${++revision}`,
        twinId: 'mill-1',
        type,
        data,
        revision,
        schemaVersion: type === 'TelemetryReported' ? 2 : 1,
        occurredAt: at(seconds),
        recordedAt: at(seconds),
        correlationId: 'c',
        causationId: null,
        producer: 'spec',
      }) as unknown as EventEnvelope;
    const events: EventEnvelope[] = [
      envelope(
        'TwinRegistered',
        {
          twinType: 'mill',
          modelVersion: 2,
          level: 'asset',
          parentId: null,
          site: null,
          name: null,
          limits: JSON.parse('{"__proto__": {"temperature": {"alarm": {"high": 1}}}}'),
        },
        0,
      ),
      envelope('LimitsChanged', { property: '__proto__', limits: { alarm: { high: 2 } } }, 1),
      ...OBJECT_BUILT_IN_NAMES.flatMap((property, i) => [
        envelope(
          'TelemetryReported',
          {
            readings: [
              { readingId: `a-${i}`, property, value: i, unit: '1', occurredAt: at(2 + i) },
            ],
          },
          2 + i,
        ),
        envelope(
          'TelemetryReported',
          {
            readings: [
              { readingId: `b-${i}`, property, value: -i, unit: '1', occurredAt: at(3 + i) },
            ],
          },
          3 + i,
        ),
      ]),
      envelope(
        'MaintenancePerformed',
        {
          kind: 'repair',
          performedAt: at(1000),
          resets: [...OBJECT_BUILT_IN_NAMES],
          componentId: null,
          notes: null,
        },
        1000,
      ),
    ];
    // The projection folds telemetry in place; evolveTwin copies: both must agree and stay sane.
    const projection = new TwinProjection();
    projection.apply(events);
    const folded = events.reduce(evolveTwin, initialTwinState('mill-1'));
    for (const state of [projection.get('mill-1')!, folded]) {
      expect(Object.getPrototypeOf(state.reported)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(state.resetAt)).toBe(Object.prototype);
      expect(Object.keys(state.resetAt).sort()).toEqual([...OBJECT_BUILT_IN_NAMES].sort());
      expect(Object.keys(state.reported)).toEqual([]);
      expect(twinHealth(state).status).toBe('unknown');
    }
    const beforeReset = events.slice(0, -1).reduce(evolveTwin, initialTwinState('mill-1'));
    expect(Object.keys(beforeReset.reported).sort()).toEqual([...OBJECT_BUILT_IN_NAMES].sort());
    expect(Object.getOwnPropertyDescriptor(beforeReset.reported, '__proto__')?.value).toMatchObject(
      {
        value: -OBJECT_BUILT_IN_NAMES.indexOf('__proto__'),
      },
    );
    expect(twinHealth(beforeReset).properties).toEqual(JSON.parse('{"__proto__": "normal"}'));
    expect(diffStates(beforeReset, folded).length).toBeGreaterThan(0);
    const lookup = (id: string): TwinState | undefined =>
      id === 'mill-1' ? beforeReset : undefined;
    expect(rollUp(beforeReset, lookup, fixtureCatalog).aggregates).toEqual({});
  });
});
