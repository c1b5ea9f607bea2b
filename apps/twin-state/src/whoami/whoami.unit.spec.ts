import { DEMO_PRINCIPAL } from '@twinlog/service-kit';
import { WHOAMI, whoamiOf } from './whoami.http.controller';

describe('GET /v1/whoami', () => {
  it('answers a key with its role, sites and expiry, in the documented shape', () => {
    const answer = whoamiOf({
      id: 'key:k1',
      role: 'operator',
      sites: ['north', 'south'],
      expiresAt: Date.UTC(2027, 0, 1),
    });
    expect(answer).toEqual({
      id: 'key:k1',
      role: 'operator',
      sites: ['north', 'south'],
      expiresAt: '2027-01-01T00:00:00.000Z',
    });
    expect(WHOAMI.parse(answer)).toEqual(answer);
  });

  it('answers the anonymous principal when authentication is off: admin of every site, no expiry', () => {
    expect(whoamiOf(DEMO_PRINCIPAL)).toEqual({
      id: 'anonymous',
      role: 'admin',
      sites: '*',
      expiresAt: null,
    });
  });
});
