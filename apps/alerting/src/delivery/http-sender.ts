import { displayOfUrl } from './channel-target';
import {
  clipError,
  outcomeOfHttpStatus,
  permanentFailure,
  retryableFailure,
  type DeliveryOutcome,
} from './delivery-outcome';

/** Read of an answer's body: enough for an error line and to free the connection, never the whole. */
const MAX_ANSWER_BYTES = 16 * 1024;
const DETAIL_CHARS = 120;

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
    const detail = await answerStart(answer);
    return outcomeOfHttpStatus(
      answer.status,
      answer.headers.get('retry-after'),
      detail,
      attempt.now(),
    );
  } catch (error) {
    if (timeout.aborted)
      return retryableFailure(`no answer from ${where} within ${attempt.timeoutMs} ms`);
    if (attempt.signal?.aborted) return retryableFailure(`attempt to ${where} aborted`);
    return retryableFailure(`cannot reach ${where}: ${networkReason(error)}`);
  }
}

/** The first characters of the answer (for the error line), reading at most MAX_ANSWER_BYTES. */
async function answerStart(answer: Response): Promise<string> {
  if (!answer.body) return '';
  const reader = answer.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // An answer cut short still has its status; the status decides.
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
  return clipError(text, DETAIL_CHARS);
}

/** Why a request failed, as a code (ECONNREFUSED, ENOTFOUND...), never with the URL. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (error instanceof Error && error.name !== 'TypeError') return error.name;
  return 'network error';
}
