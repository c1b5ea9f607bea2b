import { TwinlogError } from '@twinlog/domain';

const DAY_MS = 86_400_000;

/**
 * Tokens spent per UTC day by this process (the answers' usage.total_tokens). An ask is let
 * through while any budget is left; its usage may take the day slightly over, never a second ask.
 */
export class TokenBudget {
  private day = -1;
  private used = 0;

  constructor(
    readonly dailyTokens: number,
    private readonly now: () => number = Date.now,
  ) {}

  usedToday(): number {
    this.roll();
    return this.used;
  }

  /** Throws AI_BUDGET_EXHAUSTED, with the seconds to the next UTC midnight, when spent. */
  check(): void {
    this.roll();
    if (this.used < this.dailyTokens) return;
    const retryAfterSeconds = Math.ceil(((this.day + 1) * DAY_MS - this.now()) / 1000);
    throw new TwinlogError(
      'AI_BUDGET_EXHAUSTED',
      `the AI token budget of the day is spent (${this.used} of TWINLOG_AI_DAILY_TOKENS=${this.dailyTokens}, per process); it renews at midnight UTC`,
      { usedTokens: this.used, dailyTokens: this.dailyTokens, retryAfterSeconds },
    );
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
  }
}
