import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { TwinlogError } from '@twinlog/domain';

/** What the Assistant knows about a request that failed, to say which failure it was. */
export interface FailedRequest {
  host: string;
  model: string;
  timeoutMs: number;
  /** Requests really sent (the client's transport retries included). */
  attempts: number;
  key: string;
  elapsedMs: number;
  /** The server's body was larger than this many bytes, so it was not read. */
  tooLargeBytes?: number;
}

/** The longest Retry-After passed on from the model server's 429 (it may ask for hours). */
const MAX_RETRY_AFTER_S = 300;
/** A 429 without a usable Retry-After: about a minute, OpenAI's usual rate-limit window. */
const DEFAULT_RETRY_AFTER_S = 30;

/**
 * A failure of the model server after the client's own retries, as AI_UNAVAILABLE saying which
 * (a status, a timeout, no connection, a body too large), or AI_BUSY for its rate limit. The
 * server's own message is cut short and any copy of the key is masked: a server may echo what
 * it was sent.
 */
export function unavailable(error: unknown, context: FailedRequest): TwinlogError {
  const tries = attemptsText(context.attempts);
  const attempts = context.attempts;
  if (context.tooLargeBytes !== undefined) {
    return new TwinlogError(
      'AI_UNAVAILABLE',
      `the model server at ${context.host} answered with a body over ${context.tooLargeBytes} bytes; it was not read (${tries})`,
      { reason: 'too-large', attempts },
    );
  }
  // Not every fetch says an abort was the timeout's (the client's own note; under jest the
  // abort reaches it as a plain Error): a lost connection that took the whole timeout was one.
  const timedOut =
    error instanceof APIConnectionTimeoutError ||
    (error instanceof APIConnectionError && context.elapsedMs >= context.timeoutMs);
  if (timedOut) {
    return new TwinlogError(
      'AI_UNAVAILABLE',
      `the model server at ${context.host} did not answer within the timeout of ${context.timeoutMs} ms (TWINLOG_AI_TIMEOUT_MS), ${tries}`,
      { reason: 'timeout', timeoutMs: context.timeoutMs, attempts },
    );
  }
  if (error instanceof APIConnectionError) {
    return new TwinlogError(
      'AI_UNAVAILABLE',
      `the model server at ${context.host} could not be reached (${tries})`,
      { reason: 'connection', attempts },
    );
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    const said = masked(String(error.message ?? ''), context.key).slice(0, 300);
    if (status === 429) {
      const retryAfterSeconds = retryAfterOf(error.headers);
      return new TwinlogError(
        'AI_BUSY',
        `the model server at ${context.host} is rate-limiting Twinlog (429, ${tries}); try again in ${retryAfterSeconds} s`,
        { reason: 'rate-limited', status, attempts, retryAfterSeconds },
      );
    }
    const what =
      status === 401
        ? `refused the key (401): check OPENAI_API_KEY`
        : status === 404
          ? `has no model TWINLOG_AI_MODEL=${context.model} (404): check the name against its model list`
          : status === 400
            ? `refused the request (400; a server without structured outputs, response_format json_schema, refuses it so)`
            : `answered ${status}`;
    return new TwinlogError(
      'AI_UNAVAILABLE',
      `the model server at ${context.host} ${what} (${tries}): ${said}`,
      { reason: 'status', status, attempts },
    );
  }
  return new TwinlogError(
    'AI_UNAVAILABLE',
    `the model server at ${context.host} failed: ${masked(String((error as Error)?.message ?? error), context.key).slice(0, 300)}`,
    { reason: 'failure', attempts },
  );
}

/** The ask's own deadline passed (TWINLOG_AI_ASK_DEADLINE_MS): waiting, sending or retrying. */
export function pastDeadline(
  context: Pick<FailedRequest, 'host' | 'attempts'> & { deadlineMs: number },
): TwinlogError {
  const sent = context.attempts === 0 ? 'no request sent yet' : attemptsText(context.attempts);
  return new TwinlogError(
    'AI_UNAVAILABLE',
    `the model at ${context.host} did not answer within the deadline of ${context.deadlineMs} ms (TWINLOG_AI_ASK_DEADLINE_MS; ${sent}); nothing of it was used`,
    { reason: 'timeout', deadlineMs: context.deadlineMs, attempts: context.attempts },
  );
}

/** The caller left (its connection closed): nobody is waiting for this answer. */
export function callerLeft(attempts: number): TwinlogError {
  return new TwinlogError(
    'AI_UNAVAILABLE',
    'the caller left before the model answered; the ask was cancelled and nothing of it was used',
    { reason: 'cancelled', attempts },
  );
}

function attemptsText(attempts: number): string {
  return `${attempts} attempt${attempts === 1 ? '' : 's'}`;
}

function retryAfterOf(headers: Headers | undefined): number {
  const text = headers?.get('retry-after') ?? undefined;
  if (text === undefined) return DEFAULT_RETRY_AFTER_S;
  const seconds = /^\s*\d+(\.\d+)?\s*$/.test(text)
    ? Number(text)
    : (Date.parse(text) - Date.now()) / 1000;
  if (!Number.isFinite(seconds)) return DEFAULT_RETRY_AFTER_S;
  return Math.min(MAX_RETRY_AFTER_S, Math.max(1, Math.ceil(seconds)));
}

function masked(text: string, key: string): string {
  return key.length >= 4 ? text.split(key).join('***') : text;
}
