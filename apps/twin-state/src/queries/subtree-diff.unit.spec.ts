import { initialTwinState, type TwinState } from '@twinlog/domain';
import { subtreeChanges, walkTree } from './subtree-diff';

/** A twin with children and one reported temperature. */
function twin(twinId: string, children: string[] = [], temperature?: number): TwinState {
  return {
    ...initialTwinState(twinId),
    status: 'active',
    level: 'asset',
    children: children.map((c) => ({ twinId: c, twinType: 't' })),
    reported:
      temperature === undefined
        ? {}
        : {
            temperature: {
              value: temperature,
              unit: '°C',
              occurredAt: '2026-01-01T00:00:00Z',
              readingId: 'r',
              eventId: 'e',
              revision: 1,
            },
          },
  };
}

const treeOf = (...twins: TwinState[]) => new Map(twins.map((t) => [t.twinId, t]));

describe('subtreeChanges', () => {
  it('lists the twins that changed, then those added and removed, leaving unchanged ones out', () => {
    const before = treeOf(
      twin('line', ['a', 'b', 'gone']),
      twin('a', [], 40),
      twin('b'),
      twin('gone'),
    );
    const after = treeOf(
      twin('line', ['a', 'b', 'new']),
      twin('a', [], 70),
      twin('b'),
      twin('new'),
    );
    const changes = subtreeChanges(before, after);
    expect(changes.map((c) => [c.twinId, c.change])).toEqual([
      ['line', 'changed'],
      ['a', 'changed'],
      ['new', 'added'],
      ['gone', 'removed'],
    ]);
    expect(changes[1]!.changes).toEqual([
      expect.objectContaining({
        path: 'reported.temperature',
        before: expect.objectContaining({ value: 40 }),
        after: expect.objectContaining({ value: 70 }),
      }),
    ]);
    expect(subtreeChanges(after, after)).toEqual([]);
  });
});

describe('walkTree', () => {
  const tree = treeOf(twin('root', ['a', 'b']), twin('a', ['a1', 'a2']), twin('b', ['b1']));
  const stateOf = async (id: string) => tree.get(id) ?? (id.length === 2 ? twin(id) : undefined);

  it('walks breadth first and stops at the bound, saying it did', async () => {
    const all = await walkTree('root', 100, stateOf);
    expect([...all.states.keys()]).toEqual(['root', 'a', 'b', 'a1', 'a2', 'b1']);
    expect(all.truncated).toBe(false);
    const cut = await walkTree('root', 3, stateOf);
    expect([...cut.states.keys()]).toEqual(['root', 'a', 'b']);
    expect(cut.truncated).toBe(true);
  });

  it('skips twins the caller may not see (or that did not exist then) and what is below them', async () => {
    const hidden = await walkTree('root', 100, async (id) =>
      id === 'a' ? undefined : stateOf(id),
    );
    expect([...hidden.states.keys()]).toEqual(['root', 'b', 'b1']);
  });
});
