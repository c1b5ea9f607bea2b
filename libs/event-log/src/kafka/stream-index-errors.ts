/** The index could not catch up in time (a large log after a restart): retry shortly. */
export class IndexBehindError extends Error {
  readonly retriable = true;
  constructor(message: string) {
    super(message);
    this.name = 'IndexBehindError';
  }
}

/** The index no longer matches the log (a topic recreated under it): it is rebuilt on the next read. */
export class StaleIndexError extends Error {
  readonly retriable = true;
  constructor(message: string) {
    super(message);
    this.name = 'StaleIndexError';
  }
}
