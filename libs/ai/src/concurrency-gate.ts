import { TwinlogError } from '@twinlog/domain';

/** Seconds a refused caller is told to wait: about one answer's time. */
const BUSY_RETRY_AFTER_S = 5;

/**
 * At most `limit` asks at the model server at once; up to `maxWaiting` more wait in order, and
 * any beyond are refused at once with AI_BUSY rather than queued without bound. A waiting ask
 * whose signal aborts (its deadline passed, its caller left) leaves the queue at once.
 */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `work` in a slot; rejects with the signal's reason if it aborts before one is free. */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.enter(signal);
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  private enter(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxWaiting) {
      return Promise.reject(
        new TwinlogError(
          'AI_BUSY',
          `the AI assistant is busy (${this.active} asks at the model, ${this.waiting.length} waiting); try again shortly`,
          {
            inFlight: this.active,
            waiting: this.waiting.length,
            retryAfterSeconds: BUSY_RETRY_AFTER_S,
          },
        ),
      );
    }
    // The slot passes straight from the leaving ask to the first waiting one.
    return new Promise((resolve, reject) => {
      const admit = () => {
        signal?.removeEventListener('abort', drop);
        resolve();
      };
      const drop = () => {
        const at = this.waiting.indexOf(admit);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', drop, { once: true });
      this.waiting.push(admit);
    });
  }

  private leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}
