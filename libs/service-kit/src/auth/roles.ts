import { roleAtLeast, type Role } from '@twinlog/domain';

/** Each role may do what the roles before it may: viewer < operator < engineer < admin. */
export function hasRole(role: Role, needed: Role): boolean {
  return roleAtLeast(role, needed);
}
