import fc from 'fast-check';
import { OBJECT_BUILT_IN_NAMES } from '../own-names';
import {
  ACCESS_KEY_IDENTITY_MAX,
  ACCESS_KEY_SITES_MAX,
  ACCESS_KEY_TEXT_MAX,
  compareAccessKeys,
  parseAccessKeyRecord,
  type AccessKeyRecord,
} from './access-key';
import { ROLES } from './roles';

const HASH = 'ab'.repeat(32);
const key = (fields: Partial<AccessKeyRecord> = {}): AccessKeyRecord => ({
  keyId: '0123456789abcdef',
  secretHash: HASH,
  name: 'plant-a gateway',
  role: 'operator',
  sites: ['plant-a'],
  createdAt: '2026-12-01T10:00:00.000Z',
  createdBy: 'bootstrap',
  expiresAt: null,
  revokedAt: null,
  revokedBy: null,
  ...fields,
});
const problems = (value: unknown) => {
  const parsed = parseAccessKeyRecord(value);
  return parsed.ok ? [] : parsed.problems;
};

describe('access key records', () => {
  it('accept a live key, a revoked one, an expiring one and one for every site', () => {
    for (const record of [
      key(),
      key({ revokedAt: '2026-12-02T10:00:00.000Z', revokedBy: 'key:fedcba9876543210' }),
      key({ expiresAt: '2027-01-01T00:00:00+01:00', role: 'admin', sites: '*' }),
      key({ sites: [] }),
      key({ createdBy: `token:${'s'.repeat(255)}` }),
    ]) {
      expect(parseAccessKeyRecord(JSON.parse(JSON.stringify(record)))).toEqual({
        ok: true,
        record,
      });
    }
  });

  it('refuse a record a service must not trust, naming the field', () => {
    const cases: Array<[unknown, string]> = [
      [key({ role: 'root' as never }), 'role'],
      [key({ sites: 'all' as never }), 'sites'],
      [key({ sites: ['plant-a', ''] }), 'sites'],
      [key({ sites: [1] as never }), 'sites'],
      [
        key({ sites: Array.from({ length: ACCESS_KEY_SITES_MAX + 1 }, (_, i) => `s${i}`) }),
        'sites',
      ],
      [key({ createdAt: '2026-11-31T10:00:00Z' }), 'createdAt'],
      [key({ createdAt: '2026-12-01 10:00' }), 'createdAt'],
      [key({ expiresAt: 'never' }), 'expiresAt'],
      [key({ revokedAt: '2026-12-02T10:00:00Z' }), 'revokedBy'],
      [key({ revokedBy: 'key:fedcba9876543210' }), 'revokedBy'],
      [key({ secretHash: 'the secret itself' }), 'secretHash'],
      [key({ secretHash: HASH.toUpperCase() }), 'secretHash'],
      [key({ name: '' }), 'name'],
      [key({ name: 'x'.repeat(ACCESS_KEY_TEXT_MAX + 1) }), 'name'],
      [key({ keyId: '' }), 'keyId'],
      [key({ createdBy: 'x'.repeat(ACCESS_KEY_IDENTITY_MAX + 1) }), 'createdBy'],
      [{ ...key(), createdBy: undefined }, 'createdBy'],
      [{ ...key(), expiresAt: undefined }, 'expiresAt'],
    ];
    for (const [record, field] of cases) {
      const found = problems(record);
      expect(found.some((p) => p.startsWith(`${field}`))).toBe(true);
    }
    expect(problems(null)).not.toEqual([]);
    expect(problems('key')).not.toEqual([]);
    expect(problems([key()])).not.toEqual([]);
  });

  it('never repeat a value in a problem, so a warning cannot leak a hash', () => {
    const secretHash = 'cd'.repeat(31) + 'XY';
    expect(problems(key({ secretHash })).join(' ')).not.toContain('cdcd');
    expect(problems(key({ role: 'hacker-role' as never })).join(' ')).not.toContain('hacker');
  });

  it('keep Object built-in names and any text as ids, names, identities and sites', () => {
    const hostile = fc.oneof(
      fc.constantFrom(...OBJECT_BUILT_IN_NAMES, 'a "quoted"\nname\r\t\u0000', '🔑'),
      fc.string({ minLength: 1, maxLength: ACCESS_KEY_TEXT_MAX, unit: 'grapheme-ascii' }),
    );
    fc.assert(
      fc.property(
        hostile,
        hostile,
        hostile,
        fc.array(hostile, { maxLength: 5 }),
        fc.constantFrom(...ROLES),
        (keyId, name, createdBy, sites, role) => {
          const record = key({ keyId, name, createdBy, sites, role });
          const parsed = parseAccessKeyRecord(JSON.parse(JSON.stringify(record)));
          expect(parsed).toEqual({ ok: true, record });
        },
      ),
    );
  });

  it('drop fields they do not know, so a record a newer release wrote still reads', () => {
    const parsed = parseAccessKeyRecord({ ...key(), lastUsedAt: '2026-12-03T00:00:00Z' });
    expect(parsed).toEqual({ ok: true, record: key() });
    const proto = parseAccessKeyRecord(
      JSON.parse(`{"__proto__":{"role":"admin"},${JSON.stringify(key()).slice(1)}`),
    );
    expect(parsed.ok && proto.ok && proto.record).toEqual(key());
  });

  it('sort by the instant of creation whatever the zone, then by key id', () => {
    const late = key({ keyId: 'b', createdAt: '2026-12-01T10:00:00Z' });
    const early = key({ keyId: 'c', createdAt: '2026-12-01T11:00:00+02:00' });
    const sameTime = key({ keyId: 'a', createdAt: '2026-12-01T10:00:00.000Z' });
    expect([late, early, sameTime].sort(compareAccessKeys).map((k) => k.keyId)).toEqual([
      'c',
      'a',
      'b',
    ]);
  });
});
