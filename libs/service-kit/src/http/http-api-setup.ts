import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { HttpErrorFilter } from './http-error.filter';
import { applyHttpTimeouts, type HttpTimeouts } from './http-timeouts';
import { jsonBodiesOnly, type JsonBodiesOptions } from './json-bodies-only';
import { QueryGuard } from './query-params';

/**
 * What every service's HTTP API shares, set up in one place right after the app is created
 * (before Nest adds its body parsers, so a refused body is never parsed): JSON bodies only,
 * the error envelope, the query guard and the server's timeouts.
 */
export function setUpHttpApi(
  app: INestApplication,
  options: { timeouts: HttpTimeouts; bodies?: JsonBodiesOptions; retryAfterSeconds?: number },
): void {
  app.use(jsonBodiesOnly(options.bodies));
  app.useGlobalFilters(new HttpErrorFilter(options.retryAfterSeconds));
  app.useGlobalGuards(new QueryGuard());
  applyHttpTimeouts(app.getHttpServer() as Server, options.timeouts);
}
