import { createHash, randomBytes } from 'node:crypto';
import type { AccessKeyRecord } from '@twinlog/domain';

/** A valid access key record for tests: a fresh key id, the hash of a random secret. */
export function accessKey(fields: Partial<AccessKeyRecord> = {}): AccessKeyRecord {
  return {
    keyId: randomBytes(8).toString('hex'),
    secretHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
    name: 'test key',
    role: 'viewer',
    sites: ['plant-a'],
    createdAt: new Date().toISOString(),
    createdBy: 'bootstrap',
    expiresAt: null,
    revokedAt: null,
    revokedBy: null,
    ...fields,
  };
}
