import type { Role } from '@twinlog/domain';
import { hasRole } from './roles';

/**
 * Who is calling: an API key (`key:<keyId>`) or a person's token (`token:<subject>`), with the
 * role and the sites it was given. It is what a write is attributed to.
 */
export interface Principal {
  id: string;
  role: Role;
  /** The sites whose twins it may see and change; '*' for all. */
  sites: '*' | readonly string[];
  /**
   * When the credential stops being valid (epoch ms): the key's expiry, or the token's `exp`.
   * A long-lived request (the live stream) is ended then.
   */
  expiresAt?: number;
}

/** Used only when TWINLOG_AUTH=off, on a loopback-only demo. */
export const DEMO_PRINCIPAL: Principal = { id: 'anonymous', role: 'admin', sites: '*' };

export function mayAct(principal: Principal, needed: Role): boolean {
  return hasRole(principal.role, needed);
}

/** A twin without a site is visible only to callers scoped to every site. */
export function maySee(principal: Principal, site: string | null | undefined): boolean {
  if (principal.sites === '*') return true;
  return site !== null && site !== undefined && principal.sites.includes(site);
}

/**
 * The caller's sites as a filter of twins' sites, for the services to apply; undefined when it
 * has every site, so there is nothing to check (and nothing extra to read).
 */
export function siteFilterOf(
  principal: Principal | undefined,
): ((site: string | null) => boolean) | undefined {
  if (!principal || principal.sites === '*') return undefined;
  return (site) => maySee(principal, site);
}

/** The API key id of a principal that came with one (`key:<keyId>`). */
export function keyIdOf(principal: Principal): string | undefined {
  return principal.id.startsWith('key:') ? principal.id.slice('key:'.length) : undefined;
}
