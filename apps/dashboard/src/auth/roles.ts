import { roleAtLeast } from '@twinlog/domain';
import type { Role, Whoami } from '../api/types';

/** The role the simulation service asks to run or compare a scenario (its routes' `@Requires`). */
export const SCENARIO_ROLE: Role = 'operator';

/** Whether the caller's role is at least `needed` (as the API ranks roles): controls it cannot use are not rendered. */
export function roleAllows(caller: Whoami | undefined, needed: Role): boolean {
  return caller !== undefined && roleAtLeast(caller.role, needed);
}

/** Whether the caller may see the twins of `site` (a twin without a site: callers of every site). */
export function siteAllows(caller: Whoami | undefined, site: string | null): boolean {
  if (!caller) return false;
  if (caller.sites === '*') return true;
  return site !== null && caller.sites.includes(site);
}
