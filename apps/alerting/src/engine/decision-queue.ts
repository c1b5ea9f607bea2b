/**
 * One decision at a time: a cause, a tick, a command or a delivery outcome is decided from the
 * projection, appended and applied before the next one looks at the projection, so two
 * decisions never interleave (two causes opening two alerts for one group, an acknowledgement
 * racing an escalation). A failed job fails its caller only; the queue goes on.
 */
export class DecisionQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  run<T>(job: () => Promise<T>): Promise<T> {
    this.waiting += 1;
    const result = this.tail.then(job).finally(() => (this.waiting -= 1));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Jobs queued or running (the ticker skips a tick while its last one still waits). */
  get depth(): number {
    return this.waiting;
  }

  /** Resolves once everything queued so far is done. */
  drained(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
