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

  it('counts reservations under way: a second concurrent request is refused until the first settles', () => {
    const budget = new TokenBudget(100, () => at('2026-03-01T12:00:00Z'));
    const first = budget.reserve(80);
    const second = budget.reserve(30); // 80 < 100: let through, now 110 held
    expect(() => budget.reserve(1)).toThrow(/110 reserved/);
    first.settle(20);
    second.settle(10);
    second.settle(10); // settling twice counts once
    expect(budget.usedToday()).toBe(30);
    expect(() => budget.check()).not.toThrow();
  });

  it('drops the reservations of a day gone at midnight', () => {
    let now = at('2026-03-01T23:59:00Z');
    const budget = new TokenBudget(100, () => now);
    const late = budget.reserve(500);
    now = at('2026-03-02T00:01:00Z');
    expect(() => budget.check()).not.toThrow();
    late.settle(40);
    expect(budget.usedToday()).toBe(40);
    expect(() => budget.reserve(50)).not.toThrow();
  });
});
