import type { AccessKeyRecord, Role } from '@twinlog/domain';
import type { AccessKeyStore } from '@twinlog/event-log';
import { generateApiKey, parseApiKey, secretMatches } from './api-key-format';
import { keyIdOf, type Principal } from './principal';

export interface NewKeyRequest {
  name: string;
  role: Role;
  sites: string[] | '*';
  expiresAt: string | null;
}

/** Why a presented key was refused; the answer to the caller stays the same for all of them. */
export type KeyRefusal = 'malformed' | 'unknown' | 'wrong secret' | 'revoked' | 'expired';

/**
 * The API keys every instance of every service knows: read from the log's key store, re-read in
 * the background every `refreshMs`, and at once when an unknown key id shows up (one read at a
 * time, shared by every request waiting for it), so a key just created elsewhere works at once, so a key created or revoked through another instance counts here within that time.
 * A request never waits for a refresh, except the first one and one naming an unknown key.
 */
export class AccessKeys {
  private keys = new Map<string, AccessKeyRecord>();
  private loadedAt = 0;
  /** When the latest read of the store began (it may still be running). */
  private readStartedAt = 0;
  /** Reads made for unknown key ids in the current second: bogus keys cannot make them endless. */
  private unknownReads = { second: 0, count: 0 };
  private loading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: AccessKeyStore,
    private readonly refreshMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Re-reads the keys every `refreshMs` until `stop`; a failed read keeps the keys known. */
  start(onError: (error: unknown) => void): void {
    this.timer ??= setInterval(() => this.reload().catch(onError), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async verify(presented: string): Promise<Principal | KeyRefusal> {
    const parsed = parseApiKey(presented);
    if (!parsed) return 'malformed';
    if (this.loadedAt === 0) await this.reload();
    const arrived = this.now();
    let record = this.keys.get(parsed.keyId);
    if (!record && this.mayReadForUnknown(arrived)) {
      // Created elsewhere since the last read? Only a read begun after this request knows.
      await this.readSince(arrived);
      record = this.keys.get(parsed.keyId);
    }
    if (!record) return 'unknown';
    if (!secretMatches(parsed.secret, record.secretHash)) return 'wrong secret';
    if (record.revokedAt) return 'revoked';
    if (record.expiresAt && Date.parse(record.expiresAt) <= this.now()) return 'expired';
    return {
      id: `key:${record.keyId}`,
      role: record.role,
      sites: record.sites,
      ...(record.expiresAt ? { expiresAt: Date.parse(record.expiresAt) } : {}),
    };
  }

  /**
   * Why a credential accepted earlier is no longer valid, from the keys as last read (no read
   * of the store): for requests that outlive their check (the live stream). undefined: valid.
   */
  standing(principal: Principal): 'revoked' | 'expired' | undefined {
    if (principal.expiresAt !== undefined && principal.expiresAt <= this.now()) return 'expired';
    const keyId = keyIdOf(principal);
    if (keyId === undefined) return undefined;
    const record = this.keys.get(keyId);
    // Keys are never removed, only revoked: one not (yet) in this instance's copy is left be.
    if (!record) return undefined;
    if (record.revokedAt) return 'revoked';
    if (record.expiresAt && Date.parse(record.expiresAt) <= this.now()) return 'expired';
    return undefined;
  }

  /** Creates a key; the whole key is in the answer, and nowhere else, ever. */
  async create(
    request: NewKeyRequest,
    by: string,
  ): Promise<{ key: string; record: AccessKeyRecord }> {
    const { keyId, secretHash, key } = generateApiKey();
    const record: AccessKeyRecord = {
      keyId,
      secretHash,
      ...request,
      createdAt: new Date(this.now()).toISOString(),
      createdBy: by,
      revokedAt: null,
      revokedBy: null,
    };
    await this.store.put(record);
    this.keys.set(keyId, record);
    return { key, record };
  }

  async list(): Promise<AccessKeyRecord[]> {
    await this.reload();
    return [...this.keys.values()];
  }

  /** Revokes a key for good; undefined when there is no such key. Revoking twice changes nothing. */
  async revoke(keyId: string, by: string): Promise<AccessKeyRecord | undefined> {
    await this.reload();
    const record = this.keys.get(keyId);
    if (!record || record.revokedAt) return record;
    const revoked = { ...record, revokedAt: new Date(this.now()).toISOString(), revokedBy: by };
    await this.store.put(revoked);
    this.keys.set(keyId, revoked);
    return revoked;
  }

  get size(): number {
    return this.keys.size;
  }

  /** At most 20 reads a second for unknown key ids; past that they wait for the next refresh. */
  private mayReadForUnknown(now: number): boolean {
    const second = Math.floor(now / 1000);
    if (this.unknownReads.second !== second) this.unknownReads = { second, count: 0 };
    this.unknownReads.count += 1;
    return this.unknownReads.count <= 20;
  }

  /** Waits for a read of the store that began at or after `time`, starting one if needed. */
  private async readSince(time: number): Promise<void> {
    while (this.readStartedAt < time) {
      if (this.loading) await this.loading.catch(() => undefined);
      else await this.reload();
    }
    await this.loading;
  }

  /** One read of the store at a time; callers meanwhile wait for it. */
  reload(): Promise<void> {
    if (!this.loading) this.readStartedAt = this.now();
    this.loading ??= this.store
      .all()
      .then((records) => {
        this.keys = new Map(records.map((r) => [r.keyId, r]));
        this.loadedAt = this.now();
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }
}
