/** What a caller may do, each role including the ones before it (issue 18). */
export const ROLES = ['viewer', 'operator', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Whether `role` may do what `needed` may: viewer < operator < engineer < admin. The API's
 * `@Requires` and the dashboard's hidden controls both ask this.
 */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}
