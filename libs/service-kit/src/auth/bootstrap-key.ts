import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AccessKeyStore } from '@twinlog/event-log';
import { generateApiKey, hashSecret, parseApiKey } from './api-key-format';

export interface BootstrapKey {
  file: string;
  keyId: string;
  /** Whether this start wrote the file (the first start of an embedded installation). */
  created: boolean;
  /** The file can be read by other users of the machine. */
  readableByOthers: boolean;
}

/**
 * A deployment's first admin key: read from `file` (a mounted Secret, or the embedded data
 * directory), or, when `create` and the file is missing, generated and written there readable
 * by its owner only (0600). It is recorded in the key store once, so it is listed and can be
 * revoked like any other; a revoked bootstrap key stays revoked.
 */
export async function ensureBootstrapKey(
  store: AccessKeyStore,
  file: string,
  create: boolean,
): Promise<BootstrapKey> {
  let created = false;
  let key: string;
  if (existsSync(file)) {
    key = readFileSync(file, 'utf8').trim();
  } else if (create) {
    key = createKeyFile(file);
    created = true;
  } else {
    throw new Error(`the bootstrap admin key file ${file} does not exist`);
  }
  const parsed = parseApiKey(key);
  if (!parsed) throw new Error(`${file} does not hold a Twinlog API key (twl_<id>_<secret>)`);
  const known = (await store.all()).some((r) => r.keyId === parsed.keyId);
  if (!known) {
    await store.put({
      keyId: parsed.keyId,
      secretHash: hashSecret(parsed.secret),
      name: 'bootstrap admin key',
      role: 'admin',
      sites: '*',
      createdAt: new Date().toISOString(),
      createdBy: 'bootstrap',
      expiresAt: null,
      revokedAt: null,
      revokedBy: null,
    });
  }
  const readableByOthers = (statSync(file).mode & 0o077) !== 0;
  return { file, keyId: parsed.keyId, created, readableByOthers };
}

/** Writes a new admin key to `file`, readable by its owner only; fails if the file exists. */
export function createKeyFile(file: string): string {
  const { key } = generateApiKey();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
