import { z } from 'zod';
import { parseIsoTime } from '../time/parse-time';

import { ROLES, type Role } from './roles';

/**
 * An API key as the event log keeps it (EventLog.accessKeys): everything but the secret, of
 * which only a hash is stored. A revocation is the same record put again with `revokedAt` set.
 */
export interface AccessKeyRecord {
  /** Public id, [a-f0-9]{16} when issued (the store keeps any id it is given, see the schema). */
  keyId: string;
  /** Hex SHA-256 of the key's secret (the secret itself is never stored). */
  secretHash: string;
  /** What it is for, as given ("plant-a gateway"). */
  name: string;
  role: Role;
  /** The sites it may see and change; '*' = all. */
  sites: string[] | '*';
  createdAt: string;
  /** The creator's identity ("key:<keyId>", "token:<sub>", "bootstrap"). */
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** Longest key id, name or site a record keeps. */
export const ACCESS_KEY_TEXT_MAX = 200;
/** Longest identity (createdBy, revokedBy): "token:" and an OIDC subject of up to 255 characters. */
export const ACCESS_KEY_IDENTITY_MAX = 300;
/** Most sites one key may be scoped to (a longer list is a mistake, or an attack on the store). */
export const ACCESS_KEY_SITES_MAX = 1000;

const text = z.string().min(1).max(ACCESS_KEY_TEXT_MAX);
const identity = z.string().min(1).max(ACCESS_KEY_IDENTITY_MAX);
// The project's one strict time parser: no 31 November, no year 0, a zone required.
const isoTime = z
  .string()
  .refine((t) => parseIsoTime(t).ok, 'must be an ISO 8601 time with a zone');

/**
 * A record read back from the store, validated before any service trusts it. Unknown fields
 * are dropped rather than refused, so a record a newer release wrote still reads. The key id is
 * checked for size only: the store is keyed by whatever id it is given, Object built-in names
 * included; the id's format belongs to the code that issues keys.
 */
export const accessKeyRecordSchema = z
  .object({
    keyId: text,
    secretHash: z.string().regex(/^[a-f0-9]{64}$/, 'must be a hex SHA-256 (64 characters a-f0-9)'),
    name: text,
    role: z.enum(ROLES),
    sites: z.union([z.literal('*'), z.array(text).max(ACCESS_KEY_SITES_MAX)]),
    createdAt: isoTime,
    createdBy: identity,
    expiresAt: isoTime.nullable(),
    revokedAt: isoTime.nullable(),
    revokedBy: identity.nullable(),
  })
  .refine((r) => (r.revokedAt === null) === (r.revokedBy === null), {
    message: 'revokedAt and revokedBy are set together or not at all',
    path: ['revokedBy'],
  }) satisfies z.ZodType<AccessKeyRecord>;

export type AccessKeyParse =
  { ok: true; record: AccessKeyRecord } | { ok: false; problems: string[] };

/**
 * Validates a record. Problems name the field and the rule, never the value: a record's hash
 * must not reach a log through a warning.
 */
export function parseAccessKeyRecord(value: unknown): AccessKeyParse {
  const result = accessKeyRecordSchema.safeParse(value);
  if (result.success) return { ok: true, record: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`),
  };
}

/** The store's order: by creation time, then by key id (two keys made in one millisecond). */
export function compareAccessKeys(a: AccessKeyRecord, b: AccessKeyRecord): number {
  const byTime = Date.parse(a.createdAt) - Date.parse(b.createdAt);
  if (byTime !== 0) return byTime;
  return a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0;
}
