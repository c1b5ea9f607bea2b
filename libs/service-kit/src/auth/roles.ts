import type { Role } from '@twinlog/domain';

/** Each role may do what the roles before it may: viewer < operator < engineer < admin. */
const RANK: Record<Role, number> = { viewer: 0, operator: 1, engineer: 2, admin: 3 };

export function hasRole(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}
