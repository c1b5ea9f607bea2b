import { isTwinlogError } from '@twinlog/domain';
import { TokenBudget } from './token-budget';

const at = (iso: string) => Date.parse(iso);

describe('TokenBudget', () => {
  it('lets asks through while tokens are left, then refuses until midnight UTC', () => {
    let now = at('2026-03-01T23:00:00Z');
    const budget = new TokenBudget(100, () => now);
    budget.check();
    budget.spend(60);
    budget.check();
    budget.spend(60); // the last ask may take the day over; the next is refused
    expect(budget.usedToday()).toBe(120);
    let refused: unknown;
    try {
      budget.check();
    } catch (error) {
      refused = error;
    }
    expect(isTwinlogError(refused, 'AI_BUDGET_EXHAUSTED')).toBe(true);
    expect((refused as { details: object }).details).toMatchObject({
      usedTokens: 120,
      dailyTokens: 100,
      retryAfterSeconds: 3600,
    });
    now = at('2026-03-02T00:00:00Z');
    expect(budget.usedToday()).toBe(0);
    expect(() => budget.check()).not.toThrow();
  });

  it('refuses every ask with a budget of 0', () => {
    const budget = new TokenBudget(0, () => at('2026-03-01T12:00:00Z'));
    expect(() => budget.check()).toThrow(/budget/);
  });

  it('ignores usage that is not a positive finite number', () => {
    const budget = new TokenBudget(10, () => 0);
    for (const bad of [NaN, -5, Infinity, -Infinity]) budget.spend(bad);
    expect(budget.usedToday()).toBe(0);
  });
});
