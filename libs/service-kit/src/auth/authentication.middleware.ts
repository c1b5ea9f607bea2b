import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpProblem } from '../http/http-problem';
import { describeError } from '../http/http-error.filter';
import type { Authenticator } from './authenticator';
import { DEMO_PRINCIPAL, type Principal } from './principal';
import type { RateLimiter } from './rate-limiter';

/** Only the Kubernetes probes answer without a credential. */
const PUBLIC_PATHS = new Set(['/health/live', '/health/ready']);

export type AuthenticatedRequest = IncomingMessage & { principal?: Principal };

/**
 * Authenticates every request but the probes, and applies the caller's rate limit, before any
 * body is read: an unauthenticated request is refused without its body ever being parsed.
 * With authentication off (a loopback-only demo), every caller is the demo admin.
 */
export function authenticationMiddleware(
  authenticator: Authenticator | 'off',
  limiter: RateLimiter,
) {
  return (req: AuthenticatedRequest, res: ServerResponse, next: () => void): void => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (PUBLIC_PATHS.has(path)) return next();
    if (authenticator === 'off') {
      req.principal = DEMO_PRINCIPAL;
      return next();
    }
    authenticator.authenticate(req.headers).then(
      (principal) => {
        const limit = limiter.take(principal.id);
        if (!limit.ok) {
          return refuse(
            req,
            res,
            new HttpProblem(
              429,
              'RATE_LIMITED',
              `Too many requests from ${principal.id}; retry after ${limit.retryAfterSeconds} s`,
              {},
              { 'Retry-After': String(limit.retryAfterSeconds) },
            ),
          );
        }
        req.principal = principal;
        next();
      },
      (error: unknown) => refuse(req, res, error),
    );
  };
}

function refuse(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  const { status, body, headers } = describeError(error);
  req.resume();
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error: body }));
}
