import type { PlantTwin } from './plant-tree';
import { alertCounts, buildTree, initiallyExpanded, visibleRows } from './plant-tree';
import { keyAction } from './tree-keys';

const twin = (
  twinId: string,
  level: PlantTwin['level'],
  parentId: string | null,
  extra: Partial<PlantTwin> = {},
): PlantTwin => ({
  twinId,
  twinType: `${level}-type`,
  level,
  parentId,
  site: 'north',
  name: null,
  status: 'active',
  health: 'normal',
  activeAnomalies: 0,
  revision: 1,
  openAlerts: 0,
  ...extra,
});

const plant = [
  twin('cnc-02', 'asset', 'line-1'),
  twin('cnc-01', 'asset', 'line-1'),
  twin('spindle-01', 'component', 'cnc-01', { twinType: 'spindle-motor', site: 'south' }),
  twin('line-1', 'system', 'machining'),
  twin('machining', 'process', null),
  twin('orphan', 'asset', 'not-visible'),
];

const ids = (rows: Array<{ twinId: string; depth: number }>) =>
  rows.map((r) => `${'  '.repeat(r.depth)}${r.twinId}`);

describe('the plant tree', () => {
  it('puts the process at the top, then its systems, assets and components, by id', () => {
    const tree = buildTree(plant);
    const all = new Set(plant.map((t) => t.twinId));
    expect(ids(visibleRows(tree, all, { text: '' }))).toEqual([
      'machining',
      '  line-1',
      '    cnc-01',
      '      spindle-01',
      '    cnc-02',
      'orphan',
    ]);
  });

  it('shows only the children of expanded twins; opens the top two levels at first', () => {
    const tree = buildTree(plant);
    expect(ids(visibleRows(tree, initiallyExpanded(tree), { text: '' }))).toEqual([
      'machining',
      '  line-1',
      '    cnc-01',
      '    cnc-02',
      'orphan',
    ]);
    expect(ids(visibleRows(tree, new Set(), { text: '' }))).toEqual(['machining', 'orphan']);
  });

  it('filters by id, type or site, keeping the path to each match open', () => {
    const tree = buildTree(plant);
    expect(ids(visibleRows(tree, new Set(), { text: 'SPINDLE' }))).toEqual([
      'machining',
      '  line-1',
      '    cnc-01',
      '      spindle-01',
    ]);
    expect(ids(visibleRows(tree, new Set(), { text: '', site: 'south' }))).toHaveLength(4);
    expect(ids(visibleRows(tree, new Set(), { text: '', twinType: 'asset-type' }))).toEqual([
      'machining',
      '  line-1',
      '    cnc-01',
      '    cnc-02',
      'orphan',
    ]);
    expect(visibleRows(tree, new Set(), { text: 'nothing-like-it' })).toEqual([]);
  });

  it('orders ids as a person reads them', () => {
    const tree = buildTree([
      twin('m-10', 'asset', null),
      twin('m-2', 'asset', null),
      twin('m-1', 'asset', null),
    ]);
    expect(tree.roots).toEqual(['m-1', 'm-2', 'm-10']);
  });

  it('survives cycles and built-in names in the data', () => {
    const tree = buildTree([
      twin('a', 'asset', 'b'),
      twin('b', 'asset', 'a'),
      twin('__proto__', 'asset', 'constructor'),
    ]);
    const rows = visibleRows(tree, new Set(['a', 'b']), { text: '' });
    expect(rows.map((r) => r.twinId).sort()).toEqual(['__proto__']);
    expect(tree.roots).toEqual(['__proto__']);
  });

  it('builds and lays out 1,000 twins', () => {
    const many = [twin('p', 'process', null)];
    for (let l = 0; l < 10; l++) {
      many.push(twin(`line-${l}`, 'system', 'p'));
      for (let m = 0; m < 33; m++) {
        many.push(twin(`m-${l}-${m}`, 'asset', `line-${l}`));
        many.push(twin(`m-${l}-${m}-spindle`, 'component', `m-${l}-${m}`));
        many.push(twin(`m-${l}-${m}-axis`, 'component', `m-${l}-${m}`));
      }
    }
    const tree = buildTree(many);
    expect(visibleRows(tree, new Set(many.map((t) => t.twinId)), { text: '' })).toHaveLength(
      many.length,
    );
  });

  it('counts each open alert for its subject and its member twins once', () => {
    const counts = alertCounts([
      {
        subject: 'line-1',
        members: [{ twinId: 'cnc-01' }, { twinId: 'cnc-02' }, { twinId: 'cnc-01' }],
      },
      { subject: 'cnc-01', members: [{ twinId: 'cnc-01' }] },
    ]);
    expect(Object.fromEntries(counts)).toEqual({ 'line-1': 1, 'cnc-01': 2, 'cnc-02': 1 });
  });
});

describe('the tree keyboard', () => {
  const tree = buildTree(plant);
  const rows = visibleRows(tree, initiallyExpanded(tree), { text: '' });
  const at = (id: string) => rows.findIndex((r) => r.twinId === id);

  it('moves, opens, closes and goes to the parent as the ARIA tree pattern says', () => {
    expect(keyAction(rows, 0, 'ArrowDown')).toEqual({ kind: 'focus', index: 1 });
    expect(keyAction(rows, 0, 'ArrowUp')).toEqual({ kind: 'focus', index: 0 });
    expect(keyAction(rows, at('cnc-01'), 'ArrowRight')).toEqual({
      kind: 'expand',
      twinId: 'cnc-01',
    });
    expect(keyAction(rows, at('line-1'), 'ArrowRight')).toEqual({
      kind: 'focus',
      index: at('cnc-01'),
    });
    expect(keyAction(rows, at('line-1'), 'ArrowLeft')).toEqual({
      kind: 'collapse',
      twinId: 'line-1',
    });
    expect(keyAction(rows, at('cnc-02'), 'ArrowLeft')).toEqual({
      kind: 'focus',
      index: at('line-1'),
    });
    expect(keyAction(rows, at('orphan'), 'ArrowLeft')).toEqual({ kind: 'none' });
    expect(keyAction(rows, 1, 'End')).toEqual({ kind: 'focus', index: rows.length - 1 });
    expect(keyAction(rows, 1, 'Enter')).toEqual({ kind: 'open', twinId: 'line-1' });
    expect(keyAction([], 0, 'ArrowDown')).toEqual({ kind: 'none' });
  });
});
