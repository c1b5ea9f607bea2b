import { backoffMs, sleep, TransientError } from '../senders/backoff';
import type { SimulatorStats } from './stats';

/**
 * What the parts of a run share: its live counters, its log, the signal that it gives up (the
 * drain timeout ran out), and the target's trouble, said once when it starts and once when it ends.
 */
export class RunContext {
  constructor(
    readonly stats: SimulatorStats,
    readonly log: (line: string) => void,
    /** Aborted when the drain timeout runs out: retries and waits give up. */
    readonly hardStop: AbortSignal,
  ) {}

  setTrouble(message: string | null): void {
    if (message === this.stats.trouble) return;
    if (message) this.log(`${message}; retrying with backoff, nothing is dropped`);
    else if (this.stats.trouble) this.log('target answering again');
    this.stats.trouble = message;
  }

  /** Runs an attempt until it succeeds or fails for good; `done: false` if the run gave up waiting. */
  async retrying<T>(
    attempt: () => Promise<T>,
  ): Promise<{ done: true; value: T } | { done: false }> {
    for (let n = 0; !this.hardStop.aborted; n++) {
      try {
        const value = await attempt();
        this.setTrouble(null);
        return { done: true, value };
      } catch (error) {
        if (!(error instanceof TransientError)) throw error;
        this.stats.retries++;
        this.setTrouble(error.message);
        await sleep(error.retryAfterMs ?? backoffMs(n), this.hardStop);
      }
    }
    return { done: false };
  }
}
