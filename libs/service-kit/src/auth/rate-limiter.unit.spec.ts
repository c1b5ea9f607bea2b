import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('lets a burst through, refuses the next with when to retry, and refills over time', () => {
    let clock = 0;
    const limiter = new RateLimiter(10, 5, () => clock);
    for (let i = 0; i < 5; i++) expect(limiter.take('key:a').ok).toBe(true);
    expect(limiter.take('key:a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    // Another caller has a bucket of its own.
    expect(limiter.take('key:b').ok).toBe(true);
    clock += 100; // one token back at 10 per second
    expect(limiter.take('key:a').ok).toBe(true);
    expect(limiter.take('key:a').ok).toBe(false);
  });
});
