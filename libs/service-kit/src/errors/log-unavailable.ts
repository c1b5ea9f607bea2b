/**
 * The event log (Kafka, or the embedded log) did not acknowledge a write: nothing of it was
 * recorded, and trying again shortly may succeed. HttpErrorFilter answers it with 503
 * LOG_UNAVAILABLE and Retry-After; consumers leave the message unacknowledged.
 */
export class LogUnavailableError extends Error {
  readonly retriable = true;
  constructor(cause: unknown) {
    super(`the event log did not acknowledge: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
    this.name = 'LogUnavailableError';
  }
}
