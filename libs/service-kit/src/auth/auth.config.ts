import { z } from 'zod';
import { ConfigError, intFrom, parseEnv, type Env } from '../config/env-parsing';
import type { OidcSettings } from './token-verifier';

/** Who may call the services' HTTP APIs, and how often (SECURITY.md). */
const schema = z.object({
  // off: every caller is an admin; only for a demo on loopback, and the service says so loudly.
  TWINLOG_AUTH: z.enum(['on', 'off']).default('on'),
  // People's tokens, from the plant's OIDC provider: all three, or none (API keys only).
  TWINLOG_OIDC_ISSUER: z.string().url().optional(),
  TWINLOG_OIDC_AUDIENCE: z.string().min(1).optional(),
  TWINLOG_OIDC_JWKS_URL: z.string().url().optional(),
  TWINLOG_OIDC_CLOCK_SKEW_S: intFrom(0, 60, 600),
  TWINLOG_OIDC_ROLE_CLAIM: z.string().min(1).default('twinlog_role'),
  TWINLOG_OIDC_SITES_CLAIM: z.string().min(1).default('twinlog_sites'),
  // A key created or revoked through another instance counts here within this time.
  TWINLOG_KEYS_REFRESH_MS: intFrom(100, 5_000),
  // Per caller and service instance: a gateway posting 10 batches a second stays far below.
  TWINLOG_RATE_LIMIT_PER_SECOND: intFrom(1, 50),
  TWINLOG_RATE_LIMIT_BURST: intFrom(1, 200),
  // A file holding an admin API key (twl_...) that every service accepts and records: the first
  // key of a deployment, from a mounted Secret. Embedded, it defaults to <data dir>/admin.key.
  TWINLOG_BOOTSTRAP_ADMIN_KEY_FILE: z.string().min(1).optional(),
});

export interface AuthSettings {
  enabled: boolean;
  oidc: OidcSettings | undefined;
  keysRefreshMs: number;
  rateLimit: { perSecond: number; burst: number };
  bootstrapKeyFile: string | undefined;
}

export function readAuthSettings(env: Env): AuthSettings {
  const raw = parseEnv(schema, env);
  const oidc = [raw.TWINLOG_OIDC_ISSUER, raw.TWINLOG_OIDC_AUDIENCE, raw.TWINLOG_OIDC_JWKS_URL];
  if (oidc.some(Boolean) && !oidc.every(Boolean)) {
    throw new ConfigError([
      'TWINLOG_OIDC_ISSUER, TWINLOG_OIDC_AUDIENCE and TWINLOG_OIDC_JWKS_URL go together: set all three to accept tokens, or none',
    ]);
  }
  return {
    enabled: raw.TWINLOG_AUTH === 'on',
    oidc: raw.TWINLOG_OIDC_ISSUER
      ? {
          issuer: raw.TWINLOG_OIDC_ISSUER,
          audience: raw.TWINLOG_OIDC_AUDIENCE!,
          jwksUrl: raw.TWINLOG_OIDC_JWKS_URL!,
          clockSkewSeconds: raw.TWINLOG_OIDC_CLOCK_SKEW_S,
          roleClaim: raw.TWINLOG_OIDC_ROLE_CLAIM,
          sitesClaim: raw.TWINLOG_OIDC_SITES_CLAIM,
        }
      : undefined,
    keysRefreshMs: raw.TWINLOG_KEYS_REFRESH_MS,
    rateLimit: {
      perSecond: raw.TWINLOG_RATE_LIMIT_PER_SECOND,
      burst: raw.TWINLOG_RATE_LIMIT_BURST,
    },
    bootstrapKeyFile: raw.TWINLOG_BOOTSTRAP_ADMIN_KEY_FILE,
  };
}
