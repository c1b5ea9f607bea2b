import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { TokenVerifier, type OidcSettings } from './token-verifier';

// People's tokens checked against a real JWKS endpoint that this test serves, as a plant's OIDC
// provider (Keycloak, Entra ID, Okta) would.

let server: Server;
let jwksUrl: string;
let signingKey: KeyLike;
let otherKey: KeyLike;
const ISSUER = 'https://login.plant.example/realms/plant';

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('ES256')).privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

function settings(overrides: Partial<OidcSettings> = {}): OidcSettings {
  return {
    issuer: ISSUER,
    audience: 'twinlog',
    jwksUrl,
    clockSkewSeconds: 60,
    roleClaim: 'twinlog_role',
    sitesClaim: 'twinlog_sites',
    ...overrides,
  };
}

async function token(
  claims: Record<string, unknown> = {},
  options: { key?: KeyLike; issuer?: string; audience?: string; expiresIn?: string | number } = {},
) {
  return new SignJWT({ twinlog_role: 'engineer', twinlog_sites: ['plant-a'], ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setSubject('alice@plant.example')
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? 'twinlog')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '10m')
    .sign(options.key ?? signingKey);
}

describe('TokenVerifier', () => {
  it('accepts a token signed by the provider, with its subject, role and sites', async () => {
    expect(await new TokenVerifier(settings()).verify(await token())).toEqual({
      id: 'token:alice@plant.example',
      role: 'engineer',
      sites: ['plant-a'],
      // A long-lived request (the live stream) ends at the token's expiry.
      expiresAt: expect.any(Number),
    });
  });

  it('takes the highest Twinlog role of a list and ignores other roles', async () => {
    const verdict = await new TokenVerifier(settings()).verify(
      await token({ twinlog_role: ['offline_access', 'viewer', 'operator'], twinlog_sites: '*' }),
    );
    expect(verdict).toMatchObject({ role: 'operator', sites: '*' });
  });

  it.each([
    ['signed by another key', async () => token({}, { key: otherKey })],
    ['from another issuer', async () => token({}, { issuer: 'https://evil.example' })],
    ['for another audience', async () => token({}, { audience: 'grafana' })],
    [
      'expired beyond the clock skew',
      async () => token({}, { expiresIn: Math.floor(Date.now() / 1000) - 120 }),
    ],
    ['without a Twinlog role', async () => token({ twinlog_role: 'superuser' })],
    ['without sites', async () => token({ twinlog_sites: 'plant-a' })],
  ])('refuses a token %s', async (_what, make) => {
    expect(await new TokenVerifier(settings()).verify(await make())).toMatchObject({
      kind: 'refused',
    });
  });

  it('accepts a token expired within the allowed clock skew', async () => {
    const recent = await token({}, { expiresIn: Math.floor(Date.now() / 1000) - 30 });
    expect(await new TokenVerifier(settings()).verify(recent)).toMatchObject({ role: 'engineer' });
  });

  it('refuses garbage and a token with alg none', async () => {
    const verifier = new TokenVerifier(settings());
    expect(await verifier.verify('not.a.jwt')).toMatchObject({ kind: 'refused' });
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({
        sub: 'x',
        iss: ISSUER,
        aud: 'twinlog',
        exp: 9e9,
        twinlog_role: 'admin',
        twinlog_sites: '*',
      }),
    ).toString('base64url')}.`;
    expect(await verifier.verify(unsigned)).toMatchObject({ kind: 'refused' });
  });

  it('says the provider is unavailable when its keys cannot be fetched', async () => {
    const verifier = new TokenVerifier(settings({ jwksUrl: 'http://127.0.0.1:9/jwks' }));
    expect(await verifier.verify(await token())).toMatchObject({ kind: 'unavailable' });
  });
});
