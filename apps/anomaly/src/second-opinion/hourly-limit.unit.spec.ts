import { HourlyLimit } from './hourly-limit';

describe('HourlyLimit', () => {
  it('takes at most perHour in any hour, and again once the oldest is an hour old', () => {
    let now = 0;
    const limit = new HourlyLimit(3, () => now);
    expect([limit.take(), limit.take(), limit.take(), limit.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now = 3_599_999;
    expect(limit.take()).toBe(false);
    now = 3_600_000;
    expect([limit.take(), limit.take(), limit.take(), limit.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});
