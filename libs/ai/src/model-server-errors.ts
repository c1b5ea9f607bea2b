import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { TwinlogError } from '@twinlog/domain';

/**
 * A failure of the model server after the client's own retries, as AI_UNAVAILABLE saying which
 * (a status, a timeout, no connection). The server's own message is cut short and any copy of
 * the key is masked: a server may echo what it was sent.
 */
export function unavailable(
  error: unknown,
  context: { host: string; timeoutMs: number; maxRetries: number; key: string; elapsedMs: number },
): TwinlogError {
  const tries = `${context.maxRetries + 1} attempt${context.maxRetries === 0 ? '' : 's'}`;
  // Not every fetch says an abort was the timeout's (the client's own note; under jest the
  // abort reaches it as a plain Error): a lost connection that took the whole timeout was one.
  const timedOut =
    error instanceof APIConnectionTimeoutError ||
    (error instanceof APIConnectionError && context.elapsedMs >= context.timeoutMs);
  if (timedOut) {
    return new TwinlogError(
      'AI_UNAVAILABLE',
      `the model server at ${context.host} did not answer within the timeout of ${context.timeoutMs} ms (TWINLOG_AI_TIMEOUT_MS), ${tries}`,
      { reason: 'timeout', timeoutMs: context.timeoutMs, attempts: context.maxRetries + 1 },
    );
  }
  if (error instanceof APIConnectionError) {
    return new TwinlogError(
      'AI_UNAVAILABLE',
      `the model server at ${context.host} could not be reached (${tries})`,
      { reason: 'connection', attempts: context.maxRetries + 1 },
    );
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const said = masked(String(error.message ?? ''), context.key).slice(0, 300);
    return new TwinlogError(
      'AI_UNAVAILABLE',
      `the model server at ${context.host} answered ${error.status} (${tries}): ${said}`,
      { reason: 'status', status: error.status, attempts: context.maxRetries + 1 },
    );
  }
  return new TwinlogError(
    'AI_UNAVAILABLE',
    `the model server at ${context.host} failed: ${masked(String((error as Error)?.message ?? error), context.key).slice(0, 300)}`,
    { reason: 'failure' },
  );
}

function masked(text: string, key: string): string {
  return key.length >= 4 ? text.split(key).join('***') : text;
}
