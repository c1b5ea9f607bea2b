import type { Whoami } from '../api/types';
import { roleAllows, SCENARIO_ROLE, siteAllows } from './roles';

const as = (role: Whoami['role'], sites: Whoami['sites'] = '*'): Whoami => ({
  id: 'key:k1',
  role,
  sites,
  expiresAt: null,
});

describe('role-aware rendering', () => {
  it('allows a role and the roles above it, nothing to a caller not known yet', () => {
    expect(roleAllows(as('viewer'), 'operator')).toBe(false);
    expect(roleAllows(as('operator'), 'operator')).toBe(true);
    expect(roleAllows(as('admin'), 'engineer')).toBe(true);
    expect(roleAllows(as('engineer'), 'admin')).toBe(false);
    expect(roleAllows(undefined, 'viewer')).toBe(false);
  });

  it("offers what-if (the twin page's link, the Run button) to operators and above, as the simulation routes require", () => {
    expect(roleAllows(as('viewer'), SCENARIO_ROLE)).toBe(false);
    expect(roleAllows(as('operator'), SCENARIO_ROLE)).toBe(true);
    expect(roleAllows(as('admin'), SCENARIO_ROLE)).toBe(true);
  });

  it('scopes sites as the API does: a twin without a site only for callers of every site', () => {
    expect(siteAllows(as('viewer', ['north']), 'north')).toBe(true);
    expect(siteAllows(as('viewer', ['north']), 'south')).toBe(false);
    expect(siteAllows(as('viewer', ['north']), null)).toBe(false);
    expect(siteAllows(as('viewer'), null)).toBe(true);
  });
});
