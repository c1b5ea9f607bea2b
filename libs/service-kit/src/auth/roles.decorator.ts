import {
  createParamDecorator,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@twinlog/domain';
import { HttpProblem } from '../http/http-problem';
import type { AuthenticatedRequest } from './authentication.middleware';
import { mayAct, type Principal } from './principal';

const REQUIRES = 'twinlog:requires-role';

/** The least role a route needs. Without it: viewer to read (GET, HEAD), admin for the rest. */
export const Requires = (role: Role) => SetMetadata(REQUIRES, role);

const ALL_SITES = 'twinlog:requires-all-sites';

/** For routes whose answers span sites (dead letters): only callers of every site. */
export const RequiresAllSites = () => SetMetadata(ALL_SITES, true);

/** The role and site scope a route needs, as the RoleGuard reads them (for the OpenAPI document). */
export function routeAccess(
  controller: object,
  handler: object,
  method: string,
): { role: Role; allSites: boolean } {
  const own = (key: string) =>
    (Reflect.getMetadata(key, handler) as unknown) ??
    (Reflect.getMetadata(key, controller) as unknown);
  const role =
    (own(REQUIRES) as Role | undefined) ??
    (method === 'GET' || method === 'HEAD' ? 'viewer' : 'admin');
  return { role, allSites: own(ALL_SITES) === true };
}

/** The caller of this request (set by the authentication middleware). */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): Principal =>
  principalOf(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);

/** Refuses, with 403, a caller whose role is below what the route needs, or whose sites are too few. */
@Injectable()
export class RoleGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest & { method?: string }>();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/health/live' || path === '/health/ready') return true;
    const needed =
      this.reflector.getAllAndOverride<Role | undefined>(REQUIRES, [
        context.getHandler(),
        context.getClass(),
      ]) ?? (req.method === 'GET' || req.method === 'HEAD' ? 'viewer' : 'admin');
    const principal = principalOf(req);
    const allSites = this.reflector.getAllAndOverride<boolean | undefined>(ALL_SITES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (allSites && principal.sites !== '*') {
      throw new HttpProblem(
        403,
        'SITE_FORBIDDEN',
        'This spans every site: it needs a key or token for all sites ("*")',
        {},
      );
    }
    assertRole(principal, needed);
    return true;
  }
}

/**
 * 403 FORBIDDEN, as the RoleGuard answers it, when the caller's role is below `needed`: for a
 * part of a route that needs more than the route (`what`: e.g. "refresh=true").
 */
export function assertRole(principal: Principal, needed: Role, what = 'This'): void {
  if (mayAct(principal, needed)) return;
  throw new HttpProblem(
    403,
    'FORBIDDEN',
    `${what} needs the ${needed} role; ${principal.id} has ${principal.role}`,
    { needed, role: principal.role },
  );
}

function principalOf(req: AuthenticatedRequest): Principal {
  // The middleware runs before every route; no principal means it was not installed.
  if (!req.principal) throw new Error('no caller on the request: authentication is not set up');
  return req.principal;
}
