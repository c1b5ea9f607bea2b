import { TwinlogError } from '@twinlog/domain';

const HOUR_MS = 3_600_000;
/** Callers remembered at most; the oldest go first (a caller past the hour has nothing to keep). */
const MAX_CALLERS = 10_000;

/**
 * Uncached asks per caller in the last hour (a sliding window): one caller looping over twins
 * cannot spend everyone's budget. `perHour` 0 means no limit.
 */
export class CallerRate {
  private readonly asks = new Map<string, number[]>();

  constructor(
    private readonly perHour: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts one ask of `caller`, or throws AI_RATE_LIMITED with the seconds until a slot frees.
   * Returns the give-back: an ask that never reached the model (refused busy, or its caller left
   * while it waited) uncounts itself.
   */
  take(caller: string): () => void {
    if (this.perHour === 0) return () => undefined;
    const now = this.now();
    const recent = (this.asks.get(caller) ?? []).filter((t) => t > now - HOUR_MS);
    if (recent.length >= this.perHour) {
      this.asks.set(caller, recent);
      const retryAfterSeconds = Math.max(1, Math.ceil((recent[0]! + HOUR_MS - now) / 1000));
      throw new TwinlogError(
        'AI_RATE_LIMITED',
        `${recent.length} asks to the model in the last hour by this caller (TWINLOG_AI_ASKS_PER_CALLER_PER_HOUR=${this.perHour}); answers already given stay free, a new ask can be made in ${retryAfterSeconds} s`,
        { perHour: this.perHour, retryAfterSeconds },
      );
    }
    recent.push(now);
    this.asks.delete(caller);
    this.asks.set(caller, recent);
    while (this.asks.size > MAX_CALLERS) this.asks.delete(this.asks.keys().next().value as string);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const times = this.asks.get(caller);
      const at = times?.lastIndexOf(now) ?? -1;
      if (at >= 0) times!.splice(at, 1);
    };
  }
}
