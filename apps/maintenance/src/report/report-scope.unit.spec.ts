import type { TwinState } from '@twinlog/domain';
import { twinsOfScope } from './report-scope';
import { twin } from './report-fixtures';

function lookup(...twins: TwinState[]) {
  const byId = new Map(twins.map((t) => [t.twinId, t]));
  return { get: (id: string) => byId.get(id), all: () => twins };
}
const everySite = () => true;

describe('twinsOfScope', () => {
  const line = twin('line', {
    level: 'system',
    children: [
      { twinId: 'm1', twinType: 'x' },
      { twinId: 'm2', twinType: 'x' },
    ],
  });
  const m1 = twin('m1', { children: [{ twinId: 'line', twinType: 'x' }] }); // a corrupt cycle
  const m2 = twin('m2', { site: 'plant-b' });
  const retired = twin('gone', { status: 'retired' });
  const twins = lookup(line, m1, m2, retired);

  it('a twin and its active subtree, the twin first; a cycle does not hang', () => {
    expect(
      twinsOfScope({ kind: 'twin', twinId: 'line' }, twins, everySite)?.map((t) => t.twinId),
    ).toEqual(['line', 'm1', 'm2']);
  });

  it('leaves out twins of sites the caller may not see; a twin it may not see is none', () => {
    const onlyA = (site: string | null) => site === 'plant-a';
    expect(
      twinsOfScope({ kind: 'twin', twinId: 'line' }, twins, onlyA)?.map((t) => t.twinId),
    ).toEqual(['line', 'm1']);
    expect(twinsOfScope({ kind: 'twin', twinId: 'm2' }, twins, onlyA)).toBeUndefined();
  });

  it("a site's active twins by id; none, or an unknown or hostile name, is undefined", () => {
    expect(
      twinsOfScope({ kind: 'site', site: 'plant-a' }, twins, everySite)?.map((t) => t.twinId),
    ).toEqual(['line', 'm1']);
    expect(twinsOfScope({ kind: 'site', site: '__proto__' }, twins, everySite)).toBeUndefined();
    expect(twinsOfScope({ kind: 'twin', twinId: 'constructor' }, twins, everySite)).toBeUndefined();
  });
});
