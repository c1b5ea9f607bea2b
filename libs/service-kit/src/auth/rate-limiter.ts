/**
 * Requests per caller, as a token bucket: `burst` at once, refilled at `perSecond`. Sized by
 * default so that a plant gateway posting a batch every 100 ms never meets it, while one key
 * cannot take a service for itself. Buckets of callers idle long enough to be full are dropped.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one request's token; when none is left, says how long until one is. */
  take(caller: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    const bucket = this.buckets.get(caller) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond,
    );
    bucket.at = now;
    if (this.buckets.size > 10_000) this.forgetIdle(now);
    this.buckets.set(caller, bucket);
    if (bucket.tokens < 1) {
      return { ok: false, retryAfterSeconds: Math.ceil((1 - bucket.tokens) / this.perSecond) };
    }
    bucket.tokens -= 1;
    return { ok: true };
  }

  private forgetIdle(now: number): void {
    const fullAfterMs = (this.burst / this.perSecond) * 1000;
    for (const [caller, bucket] of this.buckets)
      if (now - bucket.at > fullAfterMs) this.buckets.delete(caller);
  }
}
