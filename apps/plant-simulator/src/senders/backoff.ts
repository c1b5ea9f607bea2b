/** Waits, unless the signal aborts first (then resolves early: callers check the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Exponential backoff with a cap: 250 ms, 500 ms, 1 s ... 10 s. */
export function backoffMs(attempt: number, capMs = 10_000): number {
  return Math.min(capMs, 250 * 2 ** Math.min(attempt, 10));
}

/** A failure worth trying again: the target is down, overloaded, or not ready yet. */
export class TransientError extends Error {
  constructor(
    message: string,
    /** The server's Retry-After, when it sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransientError';
  }
}

/** A network failure as a plain sentence: "connection refused (ECONNREFUSED)". */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED): is it running?';
  if (code === 'ENOTFOUND') return 'host not found (ENOTFOUND)';
  if ((error as Error).name === 'TimeoutError') return 'no answer within the timeout';
  return `${cause?.message ?? (error as Error).message}${code ? ` (${code})` : ''}`;
}

export function retryAfterMs(header: string | null): number | undefined {
  const seconds = header === null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
