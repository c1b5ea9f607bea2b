/**
 * At most `limit` holders at once; others wait in order, each up to its own deadline. Bounds
 * the stream's log catch-ups (each a log read: in Kafka mode, a consumer group of its own).
 */
export class Permits {
  private held = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  get inUse(): number {
    return this.held;
  }

  /** A release function, or undefined if none came free within `waitMs`. */
  async acquire(waitMs = Infinity): Promise<(() => void) | undefined> {
    if (this.held < this.limit) return this.take();
    return new Promise((resolve) => {
      const grant = () => {
        clearTimeout(timer);
        resolve(this.take());
      };
      const timer =
        waitMs === Infinity
          ? undefined
          : setTimeout(() => {
              const at = this.waiting.indexOf(grant);
              if (at >= 0) this.waiting.splice(at, 1);
              resolve(undefined);
            }, waitMs);
      this.waiting.push(grant);
    });
  }

  private take(): () => void {
    this.held += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held -= 1;
      this.waiting.shift()?.();
    };
  }
}
