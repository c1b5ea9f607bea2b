import { displayOfUrl } from './channel-target';
import {
  outcomeOfHttpStatus,
  permanentFailure,
  retryableFailure,
  type DeliveryOutcome,
} from './delivery-outcome';

/** Read of an answer's body to free the connection, never the whole; none of it is kept. */
const MAX_ANSWER_BYTES = 16 * 1024;

export interface HttpAttempt {
  timeoutMs: number;
  /** Aborts the attempt (the runner stopping); its outcome is then not recorded. */
  signal?: AbortSignal;
  now: () => Date;
}

/** One POST of a notification; redirects are not followed; errors name the host, not the URL. */
export async function postNotification(
  url: string,
  body: string,
  headers: Record<string, string>,
  attempt: HttpAttempt,
): Promise<DeliveryOutcome> {
  // A target sealed under older rules may hold what fetch cannot send: no retry fixes that.
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url))
    return permanentFailure('the channel URL is not an http or https URL');
  const timeout = AbortSignal.timeout(attempt.timeoutMs);
  const signal = attempt.signal ? AbortSignal.any([timeout, attempt.signal]) : timeout;
  const where = displayOfUrl(url);
  try {
    const answer = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal });
    await drainAnswer(answer);
    // The status alone: the answer's text would let whoever may make a channel (and read its
    // deliveries or test it) read an internal HTTP service through Twinlog.
    return outcomeOfHttpStatus(answer.status, answer.headers.get('retry-after'), attempt.now());
  } catch (error) {
    if (timeout.aborted)
      return retryableFailure(`no answer from ${where} within ${attempt.timeoutMs} ms`);
    if (attempt.signal?.aborted) return retryableFailure(`attempt to ${where} aborted`);
    return retryableFailure(`cannot reach ${where}: ${networkReason(error)}`);
  }
}

/** Reads (at most MAX_ANSWER_BYTES of) the answer and drops it, so the connection is freed. */
async function drainAnswer(answer: Response): Promise<void> {
  if (!answer.body) return;
  const reader = answer.body.getReader();
  let size = 0;
  try {
    while (size < MAX_ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
    }
  } catch {
    // An answer cut short still has its status; the status decides.
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}

/** Why a request failed, as a code (ECONNREFUSED, ENOTFOUND...), never with the URL. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (error instanceof Error && error.name !== 'TypeError') return error.name;
  return 'network error';
}
