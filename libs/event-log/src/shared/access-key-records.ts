import {
  compareAccessKeys,
  parseAccessKeyRecord,
  quoteInput,
  TwinlogError,
  type AccessKeyRecord,
} from '@twinlog/domain';

/** One stored version of a key's record: a message of the compacted topic, or a table row. */
export interface StoredAccessKey {
  /** The store's key (the message key, the row's key id); null when a message has none. */
  key: string | null;
  /** The record as JSON text; null for a Kafka tombstone, which deletes the key. */
  value: string | null;
  /** Where it was read, for a warning ("access-keys partition 0 offset 12"). */
  where: string;
}

/**
 * Each key's latest record, oldest version first in, validated, sorted by creation time. Only a
 * key's latest version counts: when it is invalid the key is left out (with a warning) rather
 * than falling back to an older version, since the older one may be the key before it was
 * revoked. Warnings name the key and the place, never the record (it holds the secret's hash).
 */
export function latestAccessKeys(
  versions: Iterable<StoredAccessKey>,
  warn: (message: string) => void,
): AccessKeyRecord[] {
  const latest = new Map<string, StoredAccessKey>();
  for (const version of versions) {
    if (version.key === null) warn(`access key record without a key at ${version.where} skipped`);
    else latest.set(version.key, version);
  }
  const records: AccessKeyRecord[] = [];
  for (const [key, { value, where }] of latest) {
    if (value === null) continue;
    const skip = (why: string) =>
      warn(`access key ${quoteInput(key)} at ${where} skipped (the key is refused): ${why}`);
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch {
      skip('not JSON');
      continue;
    }
    const parsed = parseAccessKeyRecord(json);
    if (!parsed.ok) skip(parsed.problems.join('; '));
    else if (parsed.record.keyId !== key) skip('its keyId differs from the key it is stored under');
    else records.push(parsed.record);
  }
  return records.sort(compareAccessKeys);
}

/**
 * The record as it may be stored: one the store would skip on reading is refused on writing,
 * with the same problems (COMMAND_INVALID, a 400 to a caller whose input made it).
 */
export function storableAccessKey(record: AccessKeyRecord): AccessKeyRecord {
  const parsed = parseAccessKeyRecord(record);
  if (parsed.ok) return parsed.record;
  throw new TwinlogError(
    'COMMAND_INVALID',
    `The access key record is not valid: ${parsed.problems.join('; ')}`,
    { problems: parsed.problems },
  );
}
