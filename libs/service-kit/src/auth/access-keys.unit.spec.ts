import type { AccessKeyRecord } from '@twinlog/domain';
import type { AccessKeyStore } from '@twinlog/event-log';
import { AccessKeys } from './access-keys';
import type { Principal } from './principal';
import { generateApiKey, parseApiKey, secretMatches } from './api-key-format';

/** The store as the log keeps it: shared by every instance, read fresh each time. */
function sharedStore(): AccessKeyStore & { reads: number } {
  const records = new Map<string, AccessKeyRecord>();
  return {
    reads: 0,
    async put(record) {
      records.set(record.keyId, structuredClone(record));
    },
    async all() {
      this.reads += 1;
      return [...records.values()].map((r) => structuredClone(r));
    },
  };
}

describe('API key format', () => {
  it('parses what it generates and matches only the right secret', () => {
    const { key, keyId, secretHash } = generateApiKey();
    const parsed = parseApiKey(key)!;
    expect(parsed.keyId).toBe(keyId);
    expect(secretMatches(parsed.secret, secretHash)).toBe(true);
    expect(secretMatches(`${parsed.secret.slice(0, -1)}x`, secretHash)).toBe(false);
  });

  it.each(['', 'twl_', '__proto__', 'twl___proto___x', `twl_${'a'.repeat(16)}_short`, 'Bearer x'])(
    'refuses %j as malformed',
    (text) => expect(parseApiKey(text)).toBeUndefined(),
  );
});

describe('AccessKeys', () => {
  it('re-reads the store in the background while started, and not after stop', async () => {
    jest.useFakeTimers();
    try {
      const store = sharedStore();
      const keys = new AccessKeys(store, 1_000);
      keys.start(() => undefined);
      await jest.advanceTimersByTimeAsync(3_100);
      expect(store.reads).toBe(3);
      keys.stop();
      await jest.advanceTimersByTimeAsync(3_000);
      expect(store.reads).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });

  let clock = Date.parse('2026-12-06T10:00:00Z');
  const now = () => clock;

  it('accepts a key it created, with its role and sites, and refuses a wrong secret', async () => {
    const keys = new AccessKeys(sharedStore(), 5_000, now);
    const { key } = await keys.create(
      { name: 'plant-a gateway', role: 'operator', sites: ['plant-a'], expiresAt: null },
      'key:admin',
    );
    expect(await keys.verify(key)).toEqual({
      id: expect.stringMatching(/^key:[a-f0-9]{16}$/),
      role: 'operator',
      sites: ['plant-a'],
    });
    const { keyId } = parseApiKey(key)!;
    expect(await keys.verify(`twl_${keyId}_${'A'.repeat(43)}`)).toBe('wrong secret');
    expect(await keys.verify('twl_0000000000000000_' + 'A'.repeat(43))).toBe('unknown');
    expect(await keys.verify('not a key')).toBe('malformed');
  });

  it('refuses an expired key once its time has come', async () => {
    const keys = new AccessKeys(sharedStore(), 5_000, now);
    const { key } = await keys.create(
      {
        name: 'temp',
        role: 'viewer',
        sites: '*',
        expiresAt: new Date(clock + 60_000).toISOString(),
      },
      'key:admin',
    );
    expect(typeof (await keys.verify(key))).toBe('object');
    clock += 60_000;
    expect(await keys.verify(key)).toBe('expired');
  });

  it('another instance learns a new key at once and a revocation within the refresh time', async () => {
    const store = sharedStore();
    const here = new AccessKeys(store, 5_000, now);
    const there = new AccessKeys(store, 5_000, now);
    await there.reload();
    clock += 2_000;
    const { key, record } = await here.create(
      { name: 'script', role: 'engineer', sites: '*', expiresAt: null },
      'key:admin',
    );
    // Unknown there: re-read at once, so the new key works everywhere.
    expect(typeof (await there.verify(key))).toBe('object');
    await here.revoke(record.keyId, 'key:admin');
    // Still known as valid there until its next refresh (every 5 s, in the background)...
    expect(typeof (await there.verify(key))).toBe('object');
    await there.reload();
    // ...and refused after it.
    expect(await there.verify(key)).toBe('revoked');
  });

  it('revoking twice changes nothing, and an unknown key id is undefined', async () => {
    const keys = new AccessKeys(sharedStore(), 5_000, now);
    const { record } = await keys.create(
      { name: 'x', role: 'viewer', sites: '*', expiresAt: null },
      'key:admin',
    );
    const first = await keys.revoke(record.keyId, 'key:a');
    const second = await keys.revoke(record.keyId, 'key:b');
    expect(second).toEqual(first);
    expect(second?.revokedBy).toBe('key:a');
    expect(await keys.revoke('__proto__', 'key:a')).toBeUndefined();
  });

  it('requests with unknown key ids share one read of the store at a time', async () => {
    const store = sharedStore();
    const keys = new AccessKeys(store, 5_000, now);
    await keys.reload();
    clock += 1;
    const before = store.reads;
    const unknown = `twl_${'f'.repeat(16)}_${'A'.repeat(43)}`;
    const verdicts = await Promise.all(Array.from({ length: 50 }, () => keys.verify(unknown)));
    expect(new Set(verdicts)).toEqual(new Set(['unknown']));
    expect(store.reads - before).toBe(1);
  });

  it('a store that cannot be read rejects the check (the caller answers 503), and recovers', async () => {
    const store = sharedStore();
    const keys = new AccessKeys(store, 5_000, now);
    const { key } = await keys.create(
      { name: 'x', role: 'viewer', sites: '*', expiresAt: null },
      'k',
    );
    const fresh = new AccessKeys(store, 5_000, now);
    const all = store.all.bind(store);
    store.all = async () => {
      throw new Error('log unavailable');
    };
    await expect(fresh.verify(key)).rejects.toThrow('log unavailable');
    store.all = all;
    expect(typeof (await fresh.verify(key))).toBe('object');
  });

  it('bogus key ids make at most 20 reads of the store a second', async () => {
    const store = sharedStore();
    const keys = new AccessKeys(store, 5_000, now);
    await keys.reload();
    clock = Math.ceil(clock / 1000) * 1000 + 1; // 100 tries within one second
    const before = store.reads;
    for (let i = 0; i < 100; i++) {
      clock += 1;
      await keys.verify(`twl_${i.toString(16).padStart(16, '0')}_${'A'.repeat(43)}`);
    }
    expect(store.reads - before).toBe(20);
  });
});

describe('AccessKeys.standing (a credential accepted earlier, checked again)', () => {
  it('says revoked, expired or still valid from the keys as last read', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const store = sharedStore();
    const keys = new AccessKeys(store, 5_000, () => clock);
    const { key, record } = await keys.create(
      { name: 'x', role: 'viewer', sites: '*', expiresAt: '2026-01-01T01:00:00Z' },
      'key:admin',
    );
    const principal = (await keys.verify(key)) as Principal;
    expect(principal.expiresAt).toBe(Date.parse('2026-01-01T01:00:00Z'));
    expect(keys.standing(principal)).toBeUndefined();
    await keys.revoke(record.keyId, 'key:admin');
    expect(keys.standing(principal)).toBe('revoked');
    clock = Date.parse('2026-01-01T02:00:00Z');
    expect(keys.standing(principal)).toBe('expired');
    expect(keys.standing({ id: 'token:me', role: 'viewer', sites: '*' })).toBeUndefined();
  });
});
