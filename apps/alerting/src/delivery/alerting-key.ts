import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALERTING_KEY_BYTES } from './target-sealing';

/** The key channel targets are sealed under, from the setting or the embedded key file. */
export class AlertingKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertingKeyError';
  }
}

/**
 * 32 bytes from 64 hex characters or their base64 (standard or url-safe). A bad value names
 * where it came from (the variable or the file), never the value.
 */
export function parseAlertingKey(text: string, source = 'ALERTING_SECRET_KEY'): Buffer {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
    if (key.length === ALERTING_KEY_BYTES) return key;
  }
  throw new AlertingKeyError(
    `${source}: not a 32-byte key; give 64 hex characters or 44 base64 characters (e.g. openssl rand -hex 32)`,
  );
}

export interface AlertingKeyFile {
  key: Buffer;
  file: string;
  /** This call wrote the file (the installation's first use). */
  created: boolean;
  /** The file can be read by other users of the machine (chmod 600 it). */
  readableByOthers: boolean;
}

export const ALERTING_KEY_FILE = 'alerting.key';

/**
 * Embedded mode without ALERTING_SECRET_KEY: the key in `<data dir>/alerting.key`, made there
 * (0600, 64 hex characters) on first use. Losing the file makes existing channels unreadable:
 * they must be added again (docs/services/alerting.md).
 */
export function loadOrCreateAlertingKey(dataDir: string): AlertingKeyFile {
  const file = join(dataDir, ALERTING_KEY_FILE);
  let created = false;
  let text = readIfPresent(file);
  if (text === undefined) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(ALERTING_KEY_BYTES).toString('hex')}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
      created = true;
    } catch (error) {
      // Another process made it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    text = readFileSync(file, 'utf8');
  }
  const key = parseAlertingKey(text, file);
  const readableByOthers = (statSync(file).mode & 0o077) !== 0;
  return { key, file, created, readableByOthers };
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The installation's alerting key: the configured one; else, embedded, the key file (made on
 * first use); else undefined (distributed without ALERTING_SECRET_KEY: channels cannot be
 * created, nothing can be sent, alerts still open).
 */
export function resolveAlertingKey(
  configured: Buffer | undefined,
  service: { mode: 'embedded' | 'distributed'; dataDir: string },
  /** Told when the key file can be read by other users of the machine (at every start). */
  warn: (message: string) => void = () => undefined,
): { key: Buffer; source: string; created: boolean } | undefined {
  if (configured) return { key: configured, source: 'ALERTING_SECRET_KEY', created: false };
  if (service.mode !== 'embedded') return undefined;
  const file = loadOrCreateAlertingKey(service.dataDir);
  if (file.readableByOthers)
    warn(
      `the alerting key ${file.file} can be read by other users of this machine, who could open every channel's URL and secret: chmod 600 ${file.file}`,
    );
  return { key: file.key, source: file.file, created: file.created };
}
