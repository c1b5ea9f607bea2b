import { TwinlogError } from '@twinlog/domain';

/** Seconds a refused caller is told to wait: about one answer's time. */
const BUSY_RETRY_AFTER_S = 5;

/** How full the gate was when it refused one more. */
export interface GateLoad {
  inFlight: number;
  waiting: number;
}

/** The AI layer's refusal: 503 AI_BUSY with the seconds to wait. */
const aiBusy = ({ inFlight, waiting }: GateLoad): Error =>
  new TwinlogError(
    'AI_BUSY',
    `the AI assistant is busy (${inFlight} asks at the model, ${waiting} waiting); try again shortly`,
    { inFlight, waiting, retryAfterSeconds: BUSY_RETRY_AFTER_S },
  );

/**
 * At most `limit` pieces of work at once; up to `maxWaiting` more wait in order, and any beyond
 * are refused at once (`busy`: AI_BUSY by default) rather than queued without bound. A waiting
 * one whose signal aborts (its deadline passed, its caller left) leaves the queue at once, and
 * a finished one hands its slot straight to the first waiting. The one bounded, abortable queue
 * of Twinlog: the model's asks (the Assistant) and twin-state's heavy reads (HeavyReads).
 */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
    private readonly busy: (load: GateLoad) => Error = aiBusy,
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
    if (this.waiting.length >= this.maxWaiting)
      return Promise.reject(this.busy({ inFlight: this.active, waiting: this.waiting.length }));
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
