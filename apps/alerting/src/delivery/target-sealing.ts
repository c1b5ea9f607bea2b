import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ChannelTarget } from './channel-target';

/**
 * A channel's target sealed with AES-256-GCM under the installation's alerting key, so the log
 * never holds a webhook secret or a Slack URL (itself a credential) in the clear:
 * `v1.<iv>.<tag>.<ciphertext>`, each part base64url. The version is authenticated too (as
 * associated data), so a later format cannot be confused with this one.
 */
const VERSION = 'v1';
const AAD = Buffer.from('twinlog-alerting-target/v1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const ALERTING_KEY_BYTES = 32;

/** A sealed target that cannot be opened: malformed, tampered with, or sealed under another key. */
export class SealedTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealedTargetError';
  }
}

export function sealTarget(target: ChannelTarget, key: Buffer): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(AAD);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(target), 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

export function openTarget(sealed: string, key: Buffer): ChannelTarget {
  checkKey(key);
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION)
    throw new SealedTargetError(
      'not a sealed channel target (expected v1.<iv>.<tag>.<ciphertext>)',
    );
  const [iv, tag, ciphertext] = parts.slice(1).map((p) => Buffer.from(p, 'base64url'));
  if (iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || !ciphertext?.length)
    throw new SealedTargetError('not a sealed channel target (bad iv, tag or ciphertext)');
  let plain: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(AAD);
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    // GCM checks the tag before anything is returned: no plaintext leaves on failure.
    throw new SealedTargetError(
      'the channel target cannot be opened: sealed under another ALERTING_SECRET_KEY, or altered',
    );
  }
  const target = sealedShape.safeParse(safeJson(plain));
  if (!target.success)
    throw new SealedTargetError('the sealed channel target has an unknown shape');
  return target.data;
}

function checkKey(key: Buffer): void {
  if (key.length !== ALERTING_KEY_BYTES)
    throw new SealedTargetError(`the alerting key must be ${ALERTING_KEY_BYTES} bytes`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// Lenient on purpose: a target sealed under older input limits still opens.
const sealedShape = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webhook'), url: z.string(), secret: z.string() }),
  z.object({ kind: z.enum(['slack', 'teams']), url: z.string() }),
  z.object({ kind: z.literal('email'), to: z.array(z.string()) }),
]);

/**
 * The DeliveryRunner's `targetOf` over the projection's channels: undefined for a channel that
 * is gone (its deliveries die: "channel deleted"); a SealedTargetError, which is retried, when
 * there is no key (distributed without ALERTING_SECRET_KEY) or it is not the one it was sealed
 * under.
 */
export function targetOpener(
  key: Buffer | undefined,
  sealedOf: (channelId: string) => { sealedTarget: string; deleted: boolean } | undefined,
): (channelId: string) => ChannelTarget | undefined {
  return (channelId) => {
    const channel = sealedOf(channelId);
    if (channel === undefined || channel.deleted) return undefined;
    if (key === undefined)
      throw new SealedTargetError('no alerting key: set ALERTING_SECRET_KEY to send notifications');
    return openTarget(channel.sealedTarget, key);
  };
}
