import type { DeliveryOutcome } from '@twinlog/domain';

/**
 * How one attempt went is the core's `DeliveryOutcome` (what decideDeliveryOutcome takes):
 * delivered, or failed, permanently (dead at once) or not (retried with backoff, no sooner than
 * `retryAfterSeconds` when the receiver asked). `error` is short and holds no secret or full URL.
 */
export type { DeliveryOutcome };

/** A receiver asking for more than a day is treated as asking for a day. */
export const MAX_RETRY_AFTER_SECONDS = 86_400;

/**
 * The contract's classification of an HTTP answer: 2xx delivered; 3xx (redirects are not
 * followed), 410 and every other 4xx permanent; 408, 429 and 5xx retried, honouring
 * Retry-After on 408, 429 and 503.
 */
export function outcomeOfHttpStatus(
  status: number,
  retryAfter: string | null,
  now: Date,
): DeliveryOutcome {
  if (status >= 200 && status < 300) return { ok: true, status };
  const error = `HTTP ${status}`;
  if (status >= 300 && status < 400)
    return {
      ok: false,
      status,
      error: clipError(`HTTP ${status}: redirects are not followed`),
      permanent: true,
    };
  const retryable = status === 408 || status === 429 || status >= 500;
  if (!retryable) return { ok: false, status, error, permanent: true };
  const wait =
    status === 408 || status === 429 || status === 503
      ? retryAfterSeconds(retryAfter, now)
      : undefined;
  return wait === undefined
    ? { ok: false, status, error, permanent: false }
    : { ok: false, status, error, permanent: false, retryAfterSeconds: wait };
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Math.min(Number(text), MAX_RETRY_AFTER_SECONDS);
  // Only the HTTP-date shapes, so "1.5" or "soon" are not read by Date's lenient parser.
  if (!/^[A-Za-z]{3,9},? .*\d{2}:\d{2}:\d{2}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (!Number.isFinite(at)) return undefined;
  return Math.min(Math.max(0, Math.ceil((at - now.getTime()) / 1000)), MAX_RETRY_AFTER_SECONDS);
}

/** A network failure or timeout: always retried. */
export function retryableFailure(error: string, status: number | null = null): DeliveryOutcome {
  return { ok: false, status, error: clipError(error), permanent: false };
}

export function permanentFailure(error: string, status: number | null = null): DeliveryOutcome {
  return { ok: false, status, error: clipError(error), permanent: true };
}

/** Errors are kept to a line: they go into the log's events and the API's answers. */
export function clipError(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/**
 * The jitter handed to the core's backoff (full jitter in [0.5, 1] of the delay): a number in
 * [0, 1) whatever the random source gives (NaN, 1, or out of range from a bad one).
 */
export function jitterFrom(random: () => number): number {
  const r = random();
  if (!Number.isFinite(r) || r < 0) return 0;
  return r >= 1 ? 1 - Number.EPSILON : r;
}
