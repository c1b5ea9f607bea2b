import { ROLES, type Role } from '@twinlog/domain';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Principal } from './principal';

export interface OidcSettings {
  issuer: string;
  audience: string;
  jwksUrl: string;
  clockSkewSeconds: number;
  /** The claim that carries the Twinlog role: a role name, or a list whose highest role counts. */
  roleClaim: string;
  /** The claim that carries the sites: a list of site names, or "*". */
  sitesClaim: string;
}

/** Why a token was refused (for the log), or that the provider could not be asked (503). */
export type TokenRefusal =
  { kind: 'refused'; reason: string } | { kind: 'unavailable'; reason: string };

/**
 * People's bearer tokens from the plant's OIDC provider: the signature is checked against the
 * provider's published keys (JWKS, fetched and cached by jose, refetched when a token names a key
 * it does not know), then issuer, audience, expiry and not-before with the allowed clock skew.
 */
export class TokenVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly settings: OidcSettings) {
    this.keys = createRemoteJWKSet(new URL(settings.jwksUrl), {
      timeoutDuration: 5_000,
      cooldownDuration: 30_000,
    });
  }

  async verify(token: string): Promise<Principal | TokenRefusal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: this.settings.clockSkewSeconds,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      return refusalOf(error);
    }
    const role = roleOf(payload[this.settings.roleClaim]);
    if (!role)
      return { kind: 'refused', reason: `no Twinlog role in claim ${this.settings.roleClaim}` };
    const sites = sitesOf(payload[this.settings.sitesClaim]);
    if (!sites) return { kind: 'refused', reason: `no sites in claim ${this.settings.sitesClaim}` };
    return {
      id: `token:${payload.sub}`,
      role,
      sites,
      ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp * 1000 } : {}),
    };
  }
}

function refusalOf(error: unknown): TokenRefusal {
  if (error instanceof errors.JWKSTimeout) return { kind: 'unavailable', reason: 'JWKS timed out' };
  if (error instanceof errors.JOSEError) return { kind: 'refused', reason: error.code };
  // The JWKS could not be fetched at all (connection refused, DNS): the provider is down.
  return { kind: 'unavailable', reason: (error as Error)?.message ?? String(error) };
}

function roleOf(claim: unknown): Role | undefined {
  const named = (Array.isArray(claim) ? claim : [claim]).filter(
    (c): c is Role => typeof c === 'string' && (ROLES as readonly string[]).includes(c),
  );
  return named.sort((a, b) => ROLES.indexOf(b) - ROLES.indexOf(a))[0];
}

function sitesOf(claim: unknown): '*' | string[] | undefined {
  if (claim === '*') return '*';
  if (Array.isArray(claim) && claim.every((s) => typeof s === 'string' && s.length > 0))
    return claim as string[];
  return undefined;
}
