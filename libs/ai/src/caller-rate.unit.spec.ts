import { isTwinlogError } from '@twinlog/domain';
import { CallerRate } from './caller-rate';

describe('CallerRate', () => {
  it('lets each caller make perHour asks an hour, then refuses with the seconds to wait', () => {
    let now = 1_000_000;
    const rate = new CallerRate(2, () => now);
    rate.take('ann');
    now += 600_000;
    rate.take('ann');
    rate.take('bob'); // another caller has a count of their own
    let refused: unknown;
    try {
      rate.take('ann');
    } catch (error) {
      refused = error;
    }
    expect(isTwinlogError(refused, 'AI_RATE_LIMITED')).toBe(true);
    expect((refused as { details: object }).details).toEqual({
      perHour: 2,
      retryAfterSeconds: 3000,
    });
    now += 3_000_001; // the first ask is out of the window
    expect(() => rate.take('ann')).not.toThrow();
  });

  it('gives a slot back once: an ask that never reached the model does not count', () => {
    const rate = new CallerRate(1, () => 0);
    const giveBack = rate.take('ann');
    expect(() => rate.take('ann')).toThrow(/1 asks/);
    giveBack();
    giveBack(); // twice is once
    const again = rate.take('ann');
    expect(() => rate.take('ann')).toThrow(/1 asks/);
    again();
    rate.take('ann');
  });

  it('does not count refused asks, and 0 means no limit', () => {
    const rate = new CallerRate(1, () => 0);
    rate.take('ann');
    for (let i = 0; i < 5; i += 1) expect(() => rate.take('ann')).toThrow(/1 asks/);
    const open = new CallerRate(0, () => 0);
    for (let i = 0; i < 100; i += 1) open.take('ann');
  });
});
