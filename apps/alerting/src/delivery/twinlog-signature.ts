import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The webhook contract other tools rely on (docs/services/alerting.md#channels-and-deliveries):
 * `X-Twinlog-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, t being
 * the attempt's time, and `X-Twinlog-Delivery: <deliveryId>`, the same on every retry.
 */
export const SIGNATURE_HEADER = 'X-Twinlog-Signature';
export const DELIVERY_HEADER = 'X-Twinlog-Delivery';

export function twinlogSignature(
  body: string | Buffer,
  secret: string,
  unixSeconds: number,
): string {
  const t = Math.floor(unixSeconds);
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

/**
 * For receivers: whether `header` signs `body` (the raw bytes received) with `secret`, made
 * within `toleranceSeconds` of `now` (against replays). Several v1 values (a secret being
 * rotated) pass if any matches. Compared in constant time.
 */
export function verifyTwinlogSignature(
  header: string | undefined | null,
  body: string | Buffer,
  secret: string,
  toleranceSeconds: number,
  now: Date = new Date(),
): boolean {
  if (!header) return false;
  let t: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === 't' && value !== undefined && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (name === 'v1' && value !== undefined && /^[0-9a-f]{64}$/i.test(value))
      candidates.push(value.toLowerCase());
  }
  if (t === undefined || candidates.length === 0) return false;
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  return candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
}

function hmacHex(secret: string, t: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
}
