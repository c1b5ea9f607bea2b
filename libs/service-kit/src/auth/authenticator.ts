import type { IncomingHttpHeaders } from 'node:http';
import { HttpProblem } from '../http/http-problem';
import type { AccessKeys } from './access-keys';
import type { Principal } from './principal';
import type { TokenVerifier } from './token-verifier';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="twinlog"' };

/**
 * Who a request comes from, from its headers only (never a cookie, so no page of another site
 * can act with a user's credentials): `Authorization: Bearer <API key or token>` or
 * `X-Api-Key: <API key>`. API keys start with `twl_`; anything else is a token for the OIDC
 * provider. A refusal says what to send, never which part of a credential was wrong.
 */
export class Authenticator {
  constructor(
    private readonly keys: AccessKeys,
    private readonly tokens: TokenVerifier | undefined,
    private readonly onRefusal: (why: string) => void = () => undefined,
  ) {}

  async authenticate(headers: IncomingHttpHeaders): Promise<Principal> {
    const credential = credentialOf(headers);
    if (!credential) {
      throw new HttpProblem(
        401,
        'UNAUTHENTICATED',
        'Send an API key (Authorization: Bearer twl_..., or X-Api-Key) or a bearer token from the identity provider',
        {},
        CHALLENGE,
      );
    }
    if (credential.startsWith('twl_')) {
      const verdict = await this.keys.verify(credential).catch((error: unknown) => {
        this.onRefusal(`API keys could not be read: ${(error as Error).message}`);
        throw new HttpProblem(
          503,
          'AUTH_UNAVAILABLE',
          'The API keys could not be read from the log to check this one; try again',
          {},
          { 'Retry-After': '5' },
        );
      });
      if (typeof verdict !== 'string') return verdict;
      this.onRefusal(`API key refused: ${verdict}`);
      throw new HttpProblem(
        401,
        'UNAUTHENTICATED',
        'The API key is not valid (unknown, revoked or expired)',
        {},
        CHALLENGE,
      );
    }
    if (!this.tokens) {
      throw new HttpProblem(
        401,
        'UNAUTHENTICATED',
        'Bearer tokens are not accepted: no identity provider is configured (TWINLOG_OIDC_*); use an API key',
        {},
        CHALLENGE,
      );
    }
    const verdict = await this.tokens.verify(credential);
    if (!('kind' in verdict)) return verdict;
    this.onRefusal(`token refused: ${verdict.reason}`);
    if (verdict.kind === 'unavailable') {
      throw new HttpProblem(
        503,
        'AUTH_UNAVAILABLE',
        'The identity provider could not be reached to check the token; try again',
        {},
        { 'Retry-After': '5' },
      );
    }
    throw new HttpProblem(
      401,
      'UNAUTHENTICATED',
      'The bearer token is not valid (signature, issuer, audience, expiry or role)',
      {},
      CHALLENGE,
    );
  }
}

function credentialOf(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.length > 0 ? apiKey.trim() : undefined;
}
