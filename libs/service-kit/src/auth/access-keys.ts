import type { AccessKeyRecord, Role } from '@twinlog/domain';
import type { AccessKeyStore } from '@twinlog/event-log';
import { generateApiKey, parseApiKey, secretMatches } from './api-key-format';
import type { Principal } from './principal';

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
 * the background every `refreshMs` (and at once, at most once a second, when an unknown key id
 * shows up), so a key created or revoked through another instance counts here within that time.
 * A request never waits for a refresh, except the first one and one naming an unknown key.
 */
export class AccessKeys {
  private keys = new Map<string, AccessKeyRecord>();
  private loadedAt = 0;
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
    let record = this.keys.get(parsed.keyId);
    if (!record && this.now() - this.loadedAt > 1_000) {
      await this.reload();
      record = this.keys.get(parsed.keyId);
    }
    if (!record) return 'unknown';
    if (!secretMatches(parsed.secret, record.secretHash)) return 'wrong secret';
    if (record.revokedAt) return 'revoked';
    if (record.expiresAt && Date.parse(record.expiresAt) <= this.now()) return 'expired';
    return { id: `key:${record.keyId}`, role: record.role, sites: record.sites };
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

  /** One read of the store at a time; callers meanwhile wait for it. */
  reload(): Promise<void> {
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
