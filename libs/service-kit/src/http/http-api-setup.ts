import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { AllowedHosts } from './allowed-hosts';
import { answerClientErrors } from './edge-refusal';
import { refuseForeignRequests } from './foreign-requests';
import { HttpErrorFilter } from './http-error.filter';
import { applyHttpTimeouts, type HttpTimeouts } from './http-timeouts';
import { jsonBodiesOnly, type JsonBodiesOptions } from './json-bodies-only';
import { QueryGuard } from './query-params';
import { securityHeaders } from './security-headers';

/**
 * What every service's HTTP API shares, set up in one place right after the app is created
 * (before Nest adds its body parsers, so a refused body is never parsed): security headers and
 * no X-Powered-By, foreign Hosts and cross-site changes refused, JSON bodies only, the error
 * envelope, the query guard and the server's timeouts.
 */
export function setUpHttpApi(
  app: INestApplication,
  options: {
    timeouts: HttpTimeouts;
    bodies?: JsonBodiesOptions;
    retryAfterSeconds?: number;
    /** The Host names it answers to (the service's `http.allowedHosts`). */
    allowedHosts: AllowedHosts;
  },
): void {
  // Express announces itself in every answer unless told not to.
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable(
    'x-powered-by',
  );
  app.use(securityHeaders('api'));
  app.use(refuseForeignRequests(options.allowedHosts));
  app.use(jsonBodiesOnly(options.bodies));
  app.useGlobalFilters(new HttpErrorFilter(options.retryAfterSeconds));
  app.useGlobalGuards(new QueryGuard());
  applyHttpTimeouts(app.getHttpServer() as Server, options.timeouts);
  answerClientErrors(app.getHttpServer() as Server);
}
