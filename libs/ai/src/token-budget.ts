import { TwinlogError } from '@twinlog/domain';

const DAY_MS = 86_400_000;

/** Tokens held for one request until its usage is known: settle it, whatever the outcome. */
export interface Reservation {
  /** Replaces the estimate by what the request really used (0 for a request that failed). */
  settle(usedTokens: number): void;
}

/**
 * Tokens spent per UTC day by this process (the answers' usage.total_tokens), for one kind of
 * ask (`what`: the variable that sets it). Each request reserves an estimate before it is sent
 * and settles it to the reported usage after, so concurrent asks see each other's: a request
 * is let through while the spent and reserved tokens are below the budget, so the day can go
 * over by at most one request's reservation (and what its usage exceeds the estimate by).
 */
export class TokenBudget {
  private day = -1;
  private used = 0;
  private reserved = 0;

  constructor(
    readonly dailyTokens: number,
    private readonly now: () => number = Date.now,
    private readonly what = 'TWINLOG_AI_DAILY_TOKENS',
  ) {}

  usedToday(): number {
    this.roll();
    return this.used;
  }

  /** Throws AI_BUDGET_EXHAUSTED, with the seconds to the next UTC midnight, when spent. */
  check(): void {
    this.roll();
    if (this.used + this.reserved < this.dailyTokens) return;
    const retryAfterSeconds = Math.ceil(((this.day + 1) * DAY_MS - this.now()) / 1000);
    throw new TwinlogError(
      'AI_BUDGET_EXHAUSTED',
      `the AI token budget of the day is spent (${this.used} used and ${this.reserved} reserved by asks under way, of ${this.what}=${this.dailyTokens}, per process); it renews at midnight UTC`,
      {
        usedTokens: this.used,
        reservedTokens: this.reserved,
        dailyTokens: this.dailyTokens,
        retryAfterSeconds,
      },
    );
  }

  /** Checks, then holds `estimate` tokens until the reservation is settled. */
  reserve(estimate: number): Reservation {
    this.check();
    const held = Number.isFinite(estimate) && estimate > 0 ? Math.round(estimate) : 0;
    const day = this.day;
    this.reserved += held;
    let settled = false;
    return {
      settle: (usedTokens) => {
        if (settled) return;
        settled = true;
        this.roll();
        // A reservation of a day gone was dropped with that day (roll resets both).
        if (this.day === day) this.reserved -= held;
        this.spend(usedTokens);
      },
    };
  }

  spend(tokens: number): void {
    this.roll();
    if (Number.isFinite(tokens) && tokens > 0) this.used += Math.round(tokens);
  }

  private roll(): void {
    const today = Math.floor(this.now() / DAY_MS);
    if (today === this.day) return;
    this.day = today;
    this.used = 0;
    this.reserved = 0;
  }
}
