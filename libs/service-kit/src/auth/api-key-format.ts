import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An API key as handed out: `twl_<keyId>_<secret>`. The key id (16 hex) is public and names the
 * key in lists and in the audit trail; the secret (32 random bytes, base64url) is shown once and
 * stored only as its SHA-256: a secret of 256 random bits needs no slow hash to resist guessing.
 */
const FORMAT = /^twl_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  keyId: string;
  secretHash: string;
  /** The whole key, to give the caller once. */
  key: string;
}

export function generateApiKey(): NewApiKey {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secretHash: hashSecret(secret), key: `twl_${keyId}_${secret}` };
}

export function parseApiKey(presented: string): { keyId: string; secret: string } | undefined {
  const match = FORMAT.exec(presented);
  return match ? { keyId: match[1]!, secret: match[2]! } : undefined;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares in constant time, so the comparison says nothing of how much matched. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
