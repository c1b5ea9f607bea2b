import type { Role, Whoami } from '../api/types';

/** As the API ranks them (libs/service-kit's roles): each role may do what the ones before it may. */
const RANK: Record<Role, number> = { viewer: 0, operator: 1, engineer: 2, admin: 3 };

/** The role the simulation service asks to run or compare a scenario (its routes' `@Requires`). */
export const SCENARIO_ROLE: Role = 'operator';

/** Whether the caller's role is at least `needed`: controls it cannot use are not rendered. */
export function roleAllows(caller: Whoami | undefined, needed: Role): boolean {
  return caller !== undefined && RANK[caller.role] >= RANK[needed];
}

/** Whether the caller may see the twins of `site` (a twin without a site: callers of every site). */
export function siteAllows(caller: Whoami | undefined, site: string | null): boolean {
  if (!caller) return false;
  if (caller.sites === '*') return true;
  return site !== null && caller.sites.includes(site);
}
