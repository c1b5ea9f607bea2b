import { isTwinlogError } from '@twinlog/domain';
import type { EventLog } from '../event-log.port';
import { accessKey } from './sample-access-keys';

/** Opens a fresh, empty log, or (given one) another instance on that log's store. */
export type OpenLog = (sameStoreAs?: EventLog) => Promise<EventLog>;

/** Runs `work`, then closes the logs, whatever happened. */
export async function using(logs: EventLog[], work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } finally {
    await Promise.all(logs.map((log) => log.close()));
  }
}

/** The access key cases of the EventLog contract (describeEventLogContract registers them). */
export function accessKeyCases(
  it: (title: string, fn: () => Promise<void>) => void,
  open: OpenLog,
) {
  it('keeps access keys and lists them by creation time', async () => {
    const log = await open();
    await using([log], async () => {
      expect(await log.accessKeys.all()).toEqual([]);
      const later = accessKey({
        createdAt: '2026-12-01T10:00:01.000Z',
        role: 'admin',
        sites: '*',
        expiresAt: '2027-12-01T10:00:00.000Z',
      });
      const earlier = accessKey({ createdAt: '2026-12-01T10:00:00.000Z', sites: ['a', 'b'] });
      await log.accessKeys.put(later);
      await log.accessKeys.put(earlier);
      expect(await log.accessKeys.all()).toEqual([earlier, later]);
    });
  });

  it('replaces an access key record put again, as a revocation does', async () => {
    const log = await open();
    await using([log], async () => {
      const key = accessKey({ role: 'operator' });
      const other = accessKey({ createdAt: new Date(Date.parse(key.createdAt) + 1).toISOString() });
      await log.accessKeys.put(key);
      await log.accessKeys.put(other);
      const revoked = {
        ...key,
        revokedAt: new Date().toISOString(),
        revokedBy: `key:${other.keyId}`,
      };
      await log.accessKeys.put(revoked);
      expect(await log.accessKeys.all()).toEqual([revoked, other]);
    });
  });

  it('shows an access key put or revoked through another instance on the same store', async () => {
    const first = await open();
    const second = await open(first);
    await using([first, second], async () => {
      // Both have read the store once, so neither may answer from what it read then.
      expect(await first.accessKeys.all()).toEqual([]);
      expect(await second.accessKeys.all()).toEqual([]);
      const key = accessKey();
      await first.accessKeys.put(key);
      expect(await second.accessKeys.all()).toEqual([key]);
      const revoked = { ...key, revokedAt: new Date().toISOString(), revokedBy: 'token:alice' };
      await second.accessKeys.put(revoked);
      expect(await first.accessKeys.all()).toEqual([revoked]);
      expect(await second.accessKeys.all()).toEqual([revoked]);
    });
  });

  it('round-trips hostile access key values, and refuses a record it could not read back', async () => {
    const log = await open();
    await using([log], async () => {
      const t = (s: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, s)).toISOString();
      const hostile = [
        accessKey({ keyId: '__proto__', createdAt: t(1), sites: ['__proto__', 'constructor'] }),
        accessKey({ keyId: 'constructor', createdAt: t(2), createdBy: 'token:"); DROP --' }),
        accessKey({
          keyId: 'a\'b"c\nd',
          createdAt: t(3),
          name: 'the "plant-a" gateway\non two lines, \'quoted\', a \\ and \u0000 and 🔑',
          sites: ['plant "a"\n', 'toString'],
        }),
      ];
      for (const record of hostile) await log.accessKeys.put(record);
      expect(await log.accessKeys.all()).toEqual(hostile);
      expect(({} as Record<string, unknown>)['sites']).toBeUndefined();
      const refused = await log.accessKeys
        .put({ ...accessKey(), role: 'root' as never })
        .catch((e: unknown) => e);
      expect(isTwinlogError(refused, 'COMMAND_INVALID')).toBe(true);
      expect(await log.accessKeys.all()).toEqual(hostile);
    });
  });
}
