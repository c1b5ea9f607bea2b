import { isTwinlogError } from '../errors';
import { ModelCatalog } from '../model/model-catalog';
import { parseTwinModel } from '../model/parse-twin-model';
import { at, given } from '../testing/fixtures';
import type { TwinCommand } from './twin-commands';
import type { TwinState } from './twin-state';

// Commands that change nothing, and commands that would leave the hierarchy inconsistent
// (docs/services/twin-state.md, "Rules of the hierarchy and of repeated commands").

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(isTwinlogError(error) ? error.code : error).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, but nothing was thrown`);
}

const millWithTool = () =>
  given(
    'mill-1',
    [{ type: 'RegisterTwin', twinType: 'mill', modelVersion: 2 }],
    [{ type: 'AttachChild', childId: 'tool-1', childType: 'tool' }],
  );
const tool = (status: 'active' | 'retired'): TwinState => {
  const registered = given('tool-1', [{ type: 'RegisterTwin', twinType: 'tool' }]);
  return status === 'active'
    ? registered.state
    : given(
        'tool-1',
        [{ type: 'RegisterTwin', twinType: 'tool' }],
        [{ type: 'RetireTwin', reason: 'worn out' }],
      ).state;
};

describe('commands that change nothing', () => {
  it('records nothing for limits equal to the current ones, in any key order', () => {
    const mill = given(
      'mill-1',
      [{ type: 'RegisterTwin', twinType: 'mill', modelVersion: 2 }],
      [
        {
          type: 'ChangeLimits',
          property: 'temperature',
          limits: { normal: { low: 10, high: 60 }, alarm: { high: 80 } },
        },
      ],
    );
    expect(
      mill.when({
        type: 'ChangeLimits',
        property: 'temperature',
        limits: { alarm: { high: 80 }, normal: { high: 60, low: 10 } },
      }),
    ).toEqual([]);
    // The model's own limits, resent as they are, change nothing either.
    const fresh = given('mill-2', [{ type: 'RegisterTwin', twinType: 'mill', modelVersion: 2 }]);
    expect(
      fresh.when({
        type: 'ChangeLimits',
        property: 'temperature',
        limits: { normal: { high: 65 }, alarm: { high: 85 } },
      }),
    ).toEqual([]);
    expect(
      fresh.when({
        type: 'ChangeLimits',
        property: 'temperature',
        limits: { normal: { high: 64 } },
      }),
    ).toHaveLength(1);
  });

  it('records nothing for a resent maintenance, the current model version, or a second retirement', () => {
    const maintenance: TwinCommand = {
      type: 'RecordMaintenance',
      kind: 'repair',
      performedAt: at(30),
      resets: ['temperature'],
    };
    const mill = given(
      'mill-1',
      [{ type: 'RegisterTwin', twinType: 'mill', modelVersion: 2 }],
      [maintenance],
    );
    expect(mill.when(maintenance)).toEqual([]);
    expect(mill.when({ ...maintenance, notes: 'a second repair' })).toHaveLength(1);
    expect(mill.when({ type: 'ChangeModelVersion', version: 2 })).toEqual([]);
    const retired = given(
      'mill-1',
      [{ type: 'RegisterTwin', twinType: 'mill' }],
      [{ type: 'RetireTwin', reason: 'sold' }],
    );
    expect(retired.when({ type: 'RetireTwin', reason: 'sold again' })).toEqual([]);
  });
});

describe('the hierarchy stays consistent', () => {
  it('refuses to retire a parent while a child is active, and allows it once the child is retired', () => {
    const mill = millWithTool();
    expectCode(
      () => mill.when({ type: 'RetireTwin', reason: 'sold' }, { children: [tool('active')] }),
      'CHILDREN_ACTIVE',
    );
    // A child whose state the decision was not given counts as active.
    expectCode(() => mill.when({ type: 'RetireTwin', reason: 'sold' }), 'CHILDREN_ACTIVE');
    expect(
      mill.when({ type: 'RetireTwin', reason: 'sold' }, { children: [tool('retired')] }),
    ).toMatchObject([{ type: 'TwinRetired' }]);
  });

  it('refuses a twin under a retired parent with PARENT_RETIRED, an unknown one with PARENT_NOT_FOUND', () => {
    const retiredMill = given(
      'mill-1',
      [{ type: 'RegisterTwin', twinType: 'mill' }],
      [{ type: 'RetireTwin', reason: 'sold' }],
    ).state;
    expectCode(
      () =>
        given('tool-9').when(
          { type: 'RegisterTwin', twinType: 'tool', parentId: 'mill-1' },
          { parent: retiredMill },
        ),
      'PARENT_RETIRED',
    );
    expectCode(
      () => given('tool-9').when({ type: 'RegisterTwin', twinType: 'tool', parentId: 'ghost' }),
      'PARENT_NOT_FOUND',
    );
  });

  it('lets a replacement join in place of a retired child (the maximum counts active children)', () => {
    const mill = millWithTool().state;
    const register = { type: 'RegisterTwin', twinType: 'tool', parentId: 'mill-1' } as const;
    expectCode(
      () => given('tool-2').when(register, { parent: mill, parentChildren: [tool('active')] }),
      'CHILD_NOT_ALLOWED',
    );
    expect(
      given('tool-2').when(register, { parent: mill, parentChildren: [tool('retired')] }),
    ).toHaveLength(1);
  });

  it('refuses a model version that does not allow the children the twin has', () => {
    const catalog = ModelCatalog.of(
      [
        'type: cell\nversion: 1\nlevel: system\nchildren: [{ type: robot }]',
        'type: cell\nversion: 2\nlevel: system\nchildren: []',
        'type: robot\nversion: 1\nlevel: asset',
      ].map((text, i) => ({ model: parseTwinModel(text, `m${i}.yaml`), source: `m${i}.yaml` })),
    );
    const cell = given(
      'cell-1',
      [{ type: 'RegisterTwin', twinType: 'cell', modelVersion: 1 }, { catalog }],
      [{ type: 'AttachChild', childId: 'r-1', childType: 'robot' }, { catalog }],
    );
    expectCode(
      () => cell.when({ type: 'ChangeModelVersion', version: 2 }, { catalog }),
      'CHILD_NOT_ALLOWED',
    );
  });
});

describe('inconsistent state that used to get through', () => {
  it('refuses a child commissioned before its parent (TIMESTAMP_IMPLAUSIBLE), accepts one at or after', () => {
    const mill = given('mill-1', [
      { type: 'RegisterTwin', twinType: 'mill', commissionedAt: at(600) },
      { now: at(3600) },
    ]).state;
    const register = (commissionedAt: string) =>
      given('tool-9').when(
        { type: 'RegisterTwin', twinType: 'tool', parentId: 'mill-1', commissionedAt },
        { parent: mill },
      );
    expectCode(() => register(at(599)), 'TIMESTAMP_IMPLAUSIBLE');
    expect(register(at(600))).toHaveLength(1);
    // Without a commissionedAt the child is commissioned now, after its parent.
    expect(
      given('tool-9').when(
        { type: 'RegisterTwin', twinType: 'tool', parentId: 'mill-1' },
        { parent: mill },
      ),
    ).toHaveLength(1);
  });

  it('refuses limits with no bound at all (they would silently switch the alarms off)', () => {
    const mill = given('mill-1', [{ type: 'RegisterTwin', twinType: 'mill' }]);
    for (const limits of [{}, { normal: {} }, { alarm: {}, warning: {} }]) {
      expectCode(
        () => mill.when({ type: 'ChangeLimits', property: 'temperature', limits }),
        'LIMITS_INVALID',
      );
    }
    expect(
      mill.when({ type: 'ChangeLimits', property: 'temperature', limits: { alarm: { high: 99 } } }),
    ).toHaveLength(1);
  });

  it('records maintenance of the twin itself or of one of its children, nothing else', () => {
    const mill = millWithTool();
    const maintenance = (componentId: string): TwinCommand => ({
      type: 'RecordMaintenance',
      kind: 'repair',
      performedAt: at(30),
      componentId,
    });
    for (const componentId of ['__proto__', 'constructor', 'nonexistent', 'tool-10'])
      expectCode(() => mill.when(maintenance(componentId)), 'CHILD_NOT_ALLOWED');
    expect(mill.when(maintenance('tool-1'))).toHaveLength(1);
    expect(mill.when(maintenance('mill-1'))).toHaveLength(1);
  });
});
