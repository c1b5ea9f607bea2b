import { ROLES, roleAtLeast } from './roles';

describe('the ranking of roles', () => {
  it('lets each role do what the roles before it may, and no more', () => {
    for (const [i, role] of ROLES.entries())
      for (const [j, needed] of ROLES.entries()) expect(roleAtLeast(role, needed)).toBe(i >= j);
    expect(roleAtLeast('viewer', 'operator')).toBe(false);
    expect(roleAtLeast('admin', 'engineer')).toBe(true);
  });
});
