import type { LoggerService } from '@nestjs/common';
import type { EventLog } from '@twinlog/event-log';
import { AccessKeys } from './access-keys';
import type { AuthSettings } from './auth.config';
import { Authenticator } from './authenticator';
import { RateLimiter } from './rate-limiter';
import { TokenVerifier } from './token-verifier';

/** What a service checks callers with: its keys, the token verifier and the rate limit. */
export interface Access {
  settings: AuthSettings;
  keys: AccessKeys;
  authenticator: Authenticator | 'off';
  limiter: RateLimiter;
}

export function accessFor(
  settings: AuthSettings,
  log: EventLog,
  logger: Pick<LoggerService, 'warn'>,
): Access {
  const keys = new AccessKeys(log.accessKeys, settings.keysRefreshMs);
  const tokens = settings.oidc ? new TokenVerifier(settings.oidc) : undefined;
  return {
    settings,
    keys,
    // Refusals are logged with their reason (never the credential), for an operator to see.
    authenticator: settings.enabled
      ? new Authenticator(keys, tokens, (why) => logger.warn(why))
      : 'off',
    limiter: new RateLimiter(settings.rateLimit.perSecond, settings.rateLimit.burst),
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
