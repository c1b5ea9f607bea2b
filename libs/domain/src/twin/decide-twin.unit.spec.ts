import { isTwinlogError } from '../errors';
import { at, context, given } from '../testing/fixtures';
import { decideTwin } from './decide-twin';
import { initialTwinState } from './twin-state';

const mill = () =>
  given('mill-1', [{ type: 'RegisterTwin', twinType: 'mill', site: 'plant-a', name: 'Mill 1' }]);
function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(isTwinlogError(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, but nothing was thrown`);
}

describe('twin decider', () => {
  describe('RegisterTwin', () => {
    it('registers a twin with its model version, level and the model limits', () => {
      const events = given('mill-1').when({
        type: 'RegisterTwin',
        twinType: 'mill',
        modelVersion: 1,
        site: 'plant-a',
      });
      expect(events).toEqual([
        {
          type: 'TwinRegistered',
          data: {
            twinType: 'mill',
            modelVersion: 1,
            level: 'asset',
            parentId: null,
            site: 'plant-a',
            name: null,
            limits: {
              temperature: { normal: { high: 60 }, alarm: { high: 80 } },
              spindle_speed: {},
            },
          },
          occurredAt: at(3600),
        },
      ]);
    });

    it('takes the newest model version when none is named', () => {
      const [event] = given('mill-1').when({ type: 'RegisterTwin', twinType: 'mill' });
      expect(event?.type === 'TwinRegistered' && event.data.modelVersion).toBe(2);
    });

    it('refuses an unknown model, a second registration, and a parent that does not allow the child', () => {
      expectCode(
        () => given('x').when({ type: 'RegisterTwin', twinType: 'rocket' }),
        'MODEL_UNKNOWN',
      );
      expectCode(
        () => mill().when({ type: 'RegisterTwin', twinType: 'mill' }),
        'TWIN_ALREADY_REGISTERED',
      );
      const tool = given('tool-1', [{ type: 'RegisterTwin', twinType: 'tool' }]).state;
      expectCode(
        () =>
          given('mill-9').when(
            { type: 'RegisterTwin', twinType: 'mill', parentId: 'tool-1' },
            { parent: tool },
          ),
        'CHILD_NOT_ALLOWED',
      );
      expectCode(
        () => given('tool-2').when({ type: 'RegisterTwin', twinType: 'tool', parentId: 'ghost' }),
        'PARENT_NOT_FOUND',
      );
    });

    it('refuses a cycle in the hierarchy: a twin as its own parent or under its own descendant', () => {
      const mill1 = mill().state;
      expectCode(
        () =>
          given('mill-1').when(
            { type: 'RegisterTwin', twinType: 'tool', parentId: 'mill-1' },
            { parent: mill1 },
          ),
        'HIERARCHY_CYCLE',
      );
      const tool = given('tool-1', [{ type: 'RegisterTwin', twinType: 'tool' }]).state;
      expectCode(
        () =>
          given('mill-1').when(
            { type: 'RegisterTwin', twinType: 'mill', parentId: 'tool-1' },
            { parent: tool, parentAncestors: ['mill-1'] },
          ),
        'HIERARCHY_CYCLE',
      );
    });

    it('refuses twin ids that would be ambiguous as keys, tags, paths or topics', () => {
      for (const bad of [
        '',
        'has space',
        'a/b',
        'plus+',
        '-lead',
        'x'.repeat(129),
        'quote"',
        'trailing\\',
      ]) {
        expectCode(
          () => given(bad).when({ type: 'RegisterTwin', twinType: 'mill' }),
          'TWIN_ID_INVALID',
        );
      }
      expect(
        given('line-1:cnc_07.spindle').when({ type: 'RegisterTwin', twinType: 'mill' }),
      ).toHaveLength(1);
    });

    it('enforces the maximum number of children of a type', () => {
      const parent = given(
        'mill-1',
        [{ type: 'RegisterTwin', twinType: 'mill' }],
        [{ type: 'AttachChild', childId: 'tool-1', childType: 'tool' }],
      ).state;
      expect(parent.children).toEqual([{ twinId: 'tool-1', twinType: 'tool' }]);
      expectCode(
        () =>
          given('tool-2').when(
            { type: 'RegisterTwin', twinType: 'tool', parentId: 'mill-1' },
            { parent },
          ),
        'CHILD_NOT_ALLOWED',
      );
      expect(
        given('m', [{ type: 'RegisterTwin', twinType: 'mill' }]).when({
          type: 'AttachChild',
          childId: 't',
          childType: 'tool',
        }),
      ).toHaveLength(1);
    });
  });

  describe('a twin that is not active', () => {
    it('refuses commands for a twin that is not registered or is retired', () => {
      const limits = { type: 'ChangeLimits', property: 'temperature', limits: {} } as const;
      expectCode(() => decideTwin(limits, initialTwinState('x'), context()), 'TWIN_NOT_FOUND');
      const retired = given(
        'mill-1',
        [{ type: 'RegisterTwin', twinType: 'mill' }],
        [{ type: 'RetireTwin', reason: 'scrapped' }],
      );
      expectCode(() => retired.when(limits), 'TWIN_RETIRED');
      expect(retired.when({ type: 'RetireTwin', reason: 'again' })).toEqual([]);
    });
  });

  describe('limits, model version and maintenance', () => {
    it('changes limits only when they widen with severity', () => {
      expect(
        mill().when({
          type: 'ChangeLimits',
          property: 'temperature',
          limits: { warning: { high: 70 }, alarm: { high: 75 } },
        }),
      ).toHaveLength(1);
      expectCode(
        () =>
          mill().when({
            type: 'ChangeLimits',
            property: 'temperature',
            limits: { warning: { high: 90 }, alarm: { high: 75 } },
          }),
        'LIMITS_INVALID',
      );
      expectCode(
        () => mill().when({ type: 'ChangeLimits', property: 'torque', limits: {} }),
        'PROPERTY_UNKNOWN',
      );
    });

    it("moves to another model version with that version's limits, and ignores a move to the same one", () => {
      const twin = given('mill-1', [{ type: 'RegisterTwin', twinType: 'mill', modelVersion: 1 }]);
      expect(twin.when({ type: 'ChangeModelVersion', version: 2 })).toMatchObject([
        {
          type: 'ModelVersionChanged',
          data: { from: 1, to: 2, limits: { temperature: { alarm: { high: 85 } } } },
        },
      ]);
      expect(twin.when({ type: 'ChangeModelVersion', version: 1 })).toEqual([]);
      expectCode(() => twin.when({ type: 'ChangeModelVersion', version: 7 }), 'MODEL_UNKNOWN');
    });

    it('holds changed limits to the same rules as a model file: finite, low <= high', () => {
      const change = (limits: object) => () =>
        mill().when({ type: 'ChangeLimits', property: 'temperature', limits });
      expectCode(change({ alarm: { high: Number.NaN } }), 'LIMITS_INVALID');
      expectCode(change({ alarm: { low: 90, high: 80 } }), 'LIMITS_INVALID');
      expectCode(change({ alarm: { top: 1 } }), 'LIMITS_INVALID');
    });

    it('records maintenance with the properties it resets', () => {
      const events = mill().when({
        type: 'RecordMaintenance',
        kind: 'part-replaced',
        performedAt: at(100),
        resets: ['temperature'],
      });
      expect(events).toMatchObject([
        { type: 'MaintenancePerformed', data: { resets: ['temperature'] }, occurredAt: at(100) },
      ]);
      expectCode(
        () =>
          mill().when({
            type: 'RecordMaintenance',
            kind: 'repair',
            performedAt: at(100),
            resets: ['nope'],
          }),
        'PROPERTY_UNKNOWN',
      );
    });
  });
});
