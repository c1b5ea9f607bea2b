const HOUR_MS = 3_600_000;

/** At most `perHour` takes in any hour of wall-clock time (a sliding window). */
export class HourlyLimit {
  private readonly taken: number[] = [];

  constructor(
    private readonly perHour: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one if the last hour leaves room; false (nothing taken) when it does not. */
  take(): boolean {
    const now = this.now();
    while (this.taken.length > 0 && this.taken[0]! <= now - HOUR_MS) this.taken.shift();
    if (this.taken.length >= this.perHour) return false;
    this.taken.push(now);
    return true;
  }
}
