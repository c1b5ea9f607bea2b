import type { Server } from 'node:http';
import type { INestApplication, Provider } from '@nestjs/common';
import { AllowedHosts } from './allowed-hosts';
import { refuseForeignRequests } from './foreign-requests';
import { HttpErrorFilter } from './http-error.filter';
import { applyHttpTimeouts, type HttpTimeouts } from './http-timeouts';
import { jsonBodiesOnly, type JsonBodiesOptions } from './json-bodies-only';
import { QueryGuard } from './query-params';
import { securityHeaders } from './security-headers';

/** The Host names a service answers to (AllowedHosts), as one of its providers. */
export const ALLOWED_HOSTS = Symbol('ALLOWED_HOSTS');

/** A service definition's provider of the names it answers to (its config's `http.allowedHosts`). */
export function allowedHostsProvider(allowed: AllowedHosts): Provider {
  return { provide: ALLOWED_HOSTS, useValue: allowed };
}

/**
 * What every service's HTTP API shares, set up in one place right after the app is created
 * (before Nest adds its body parsers, so a refused body is never parsed): security headers and
 * no X-Powered-By, foreign Hosts and cross-site changes refused, JSON bodies only, the error
 * envelope, the query guard and the server's timeouts. The names it answers to come from
 * `allowedHosts`, else the service's ALLOWED_HOSTS provider, else loopback only.
 */
export function setUpHttpApi(
  app: INestApplication,
  options: {
    timeouts: HttpTimeouts;
    bodies?: JsonBodiesOptions;
    retryAfterSeconds?: number;
    allowedHosts?: AllowedHosts;
  },
): void {
  // Express announces itself in every answer unless told not to.
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable(
    'x-powered-by',
  );
  app.use(securityHeaders('api'));
  app.use(refuseForeignRequests(options.allowedHosts ?? providedAllowedHosts(app)));
  app.use(jsonBodiesOnly(options.bodies));
  app.useGlobalFilters(new HttpErrorFilter(options.retryAfterSeconds));
  app.useGlobalGuards(new QueryGuard());
  applyHttpTimeouts(app.getHttpServer() as Server, options.timeouts);
}

function providedAllowedHosts(app: INestApplication): AllowedHosts {
  try {
    return app.get<AllowedHosts>(ALLOWED_HOSTS, { strict: false });
  } catch {
    // A service that names no hosts answers to loopback names only: never wider by accident.
    return AllowedHosts.loopback;
  }
}
