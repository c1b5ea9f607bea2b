import { isTwinlogError, type AccessKeyRecord } from '@twinlog/domain';
import { latestAccessKeys, storableAccessKey, type StoredAccessKey } from './access-key-records';

const HASH = '0f'.repeat(32);
const key = (keyId: string, fields: Partial<AccessKeyRecord> = {}): AccessKeyRecord => ({
  keyId,
  secretHash: HASH,
  name: `key ${keyId}`,
  role: 'viewer',
  sites: ['plant-a'],
  createdAt: '2026-12-01T10:00:00.000Z',
  createdBy: 'bootstrap',
  expiresAt: null,
  revokedAt: null,
  revokedBy: null,
  ...fields,
});
let offset = 0;
const stored = (k: string | null, value: AccessKeyRecord | string | null): StoredAccessKey => ({
  key: k,
  value: value === null || typeof value === 'string' ? value : JSON.stringify(value),
  where: `offset ${(offset += 1)}`,
});
const fold = (versions: StoredAccessKey[]) => {
  const warnings: string[] = [];
  return { keys: latestAccessKeys(versions, (w) => warnings.push(w)), warnings };
};

describe('latest access key records', () => {
  it('keep each key latest version, sorted by creation time', () => {
    const a = key('a', { createdAt: '2026-12-02T00:00:00Z' });
    const b = key('b', { createdAt: '2026-12-01T00:00:00Z' });
    const revoked = { ...a, revokedAt: '2026-12-03T00:00:00Z', revokedBy: 'key:b' };
    const { keys, warnings } = fold([stored('a', a), stored('b', b), stored('a', revoked)]);
    expect(keys).toEqual([b, revoked]);
    expect(warnings).toEqual([]);
  });

  it('refuse a key whose latest version is broken, never falling back to an older one', () => {
    const live = key('a');
    for (const broken of [
      'not json',
      '{"keyId":"a"}',
      JSON.stringify({ ...live, role: 'root' }),
      JSON.stringify(key('someone-else')),
    ]) {
      const { keys, warnings } = fold([stored('a', live), stored('a', broken)]);
      expect(keys).toEqual([]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^access key "a" at offset \d+ skipped/);
      expect(warnings[0]).not.toContain(HASH.slice(0, 8));
    }
  });

  it('skip messages without a key, and drop a key a tombstone deleted', () => {
    const { keys, warnings } = fold([
      stored('a', key('a')),
      stored(null, key('b')),
      stored('a', null),
      stored('c', key('c')),
    ]);
    expect(keys.map((k) => k.keyId)).toEqual(['c']);
    expect(warnings).toEqual([expect.stringMatching(/without a key at offset \d+ skipped/)]);
  });

  it('keep Object built-in names as key ids', () => {
    const ids = ['__proto__', 'constructor', 'hasOwnProperty', 'toString'];
    const { keys } = fold(ids.map((id) => stored(id, key(id))));
    expect(keys.map((k) => k.keyId).sort()).toEqual([...ids].sort());
    expect(({} as Record<string, unknown>)['role']).toBeUndefined();
  });

  it('quote a hostile key in a warning on one line', () => {
    const { warnings } = fold([stored('evil\nkey "x"', 'nope')]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain('\n');
  });
});

describe('a storable access key record', () => {
  it('is the record itself when valid, and COMMAND_INVALID naming the field otherwise', () => {
    expect(storableAccessKey(key('a'))).toEqual(key('a'));
    const error = (() => {
      try {
        storableAccessKey(key('a', { sites: [''] }));
      } catch (e) {
        return e;
      }
    })();
    expect(isTwinlogError(error, 'COMMAND_INVALID')).toBe(true);
    expect((error as Error).message).toContain('sites');
  });
});
