import type { INestApplication, LoggerService, Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { EventLog } from '@twinlog/event-log';
import { AccessKeys } from './access-keys';
import type { AuthSettings } from './auth.config';
import { Authenticator } from './authenticator';
import { authenticationMiddleware } from './authentication.middleware';
import { RateLimiter } from './rate-limiter';
import { RoleGuard } from './roles.decorator';
import { TokenVerifier } from './token-verifier';

/** Who may call one service, as the service host installs it (ADR 0015). */
export interface Access {
  /** The keys, for the keys API; the role guard. */
  providers: Provider[];
  /** Authentication and the rate limit, before any body parser. */
  install(app: INestApplication): void;
  stop(): void;
}

export function accessFor(
  http: { auth: AuthSettings; host: string; port: number },
  log: EventLog,
  logger: Pick<LoggerService, 'warn'>,
): Access {
  const settings = http.auth;
  checkAuthOffIsLoopback(settings, http.host);
  const keys = new AccessKeys(log.accessKeys, settings.keysRefreshMs);
  const tokens = settings.oidc ? new TokenVerifier(settings.oidc) : undefined;
  // Refusals are logged with their reason (never the credential), for an operator to see, but
  // at most 10 lines a second: a flood of bad credentials must not flood the log.
  const authenticator = settings.enabled
    ? new Authenticator(
        keys,
        tokens,
        sampled((line) => logger.warn(line), 10),
      )
    : 'off';
  const limiter = new RateLimiter(settings.rateLimit.perSecond, settings.rateLimit.burst);
  if (authenticator === 'off') {
    logger.warn(
      `AUTHENTICATION IS OFF (TWINLOG_AUTH=off): anyone who reaches ${http.host}:${http.port} acts as an admin. For a demo on this machine only.`,
    );
  } else {
    keys.start((error) =>
      logger.warn(
        `API keys could not be re-read (the keys known stay valid): ${(error as Error).message}`,
      ),
    );
  }
  return {
    providers: [
      { provide: AccessKeys, useValue: keys },
      { provide: APP_GUARD, useClass: RoleGuard },
    ],
    install: (app) => app.use(authenticationMiddleware(authenticator, limiter)),
    stop: () => keys.stop(),
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** TWINLOG_AUTH=off is for a demo on this machine only: refused on any other address. */
export function checkAuthOffIsLoopback(settings: AuthSettings, host: string): void {
  if (settings.enabled || LOOPBACK.has(host)) return;
  throw new Error(
    `TWINLOG_AUTH=off lets anyone who reaches the port act as an admin: it is allowed only on loopback, not on ${host}`,
  );
}

/** Passes on at most `perSecond` lines a second, then says how many it held back. */
function sampled(write: (line: string) => void, perSecond: number): (line: string) => void {
  let second = 0;
  let count = 0;
  return (line) => {
    const now = Math.floor(Date.now() / 1000);
    if (now !== second) {
      if (count > perSecond) write(`... and ${count - perSecond} more refusals in that second`);
      second = now;
      count = 0;
    }
    count += 1;
    if (count <= perSecond) write(line);
  };
}
