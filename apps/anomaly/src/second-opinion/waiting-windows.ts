/** What a waiting window needs to be judged: whose it is, and when it ends (event time). */
export interface Waiting {
  twinId: string;
  window: { to: number };
}

/** Why a window left the queue without being asked. */
export type DropReason = 'queue-full' | 'stale' | 'stale-after-limit';

interface Entry<J> {
  job: J;
  arrived: number;
  /** The hourly limit had no room while it waited. */
  heldByLimit: boolean;
}

/**
 * The second opinion's closed windows waiting for the model, taken in turn: a window of the twin
 * asked longest ago first (never asked before any that was), then the one that waited longest.
 * Windows of all twins close at about the same moment (they are aligned to event time), so a
 * first-come queue under an hourly limit would ask the same few twins for ever; turns give
 * every opted-in twin its ask. At most `capacity` windows, so a linear scan is cheap enough.
 */
export class WaitingWindows<J extends Waiting> {
  private readonly waiting: Entry<J>[] = [];
  /** The turn (1, 2, ...) in which each twin was last asked. */
  private readonly lastTurn = new Map<string, number>();
  private turns = 0;
  private arrivals = 0;

  constructor(
    private readonly capacity: number,
    private readonly onDrop: (job: J, why: DropReason) => void,
  ) {}

  get size(): number {
    return this.waiting.length;
  }

  /** Queues a closed window; when full, the last in turn (it or a waiting one) is dropped. */
  add(job: J): void {
    const entry = { job, arrived: this.arrivals++, heldByLimit: false };
    if (this.waiting.length >= this.capacity) {
      const last = this.waiting.reduce((a, b) => (this.before(a, b) ? b : a));
      if (this.before(last, entry)) return this.onDrop(job, 'queue-full');
      this.waiting.splice(this.waiting.indexOf(last), 1);
      this.onDrop(last.job, 'queue-full');
    }
    this.waiting.push(entry);
  }

  /** Drops every window that ends before its twin's `oldestEnd`. */
  dropEndingBefore(oldestEnd: (twinId: string) => number): void {
    for (let i = this.waiting.length - 1; i >= 0; i -= 1) {
      const { job, heldByLimit } = this.waiting[i]!;
      if (job.window.to >= oldestEnd(job.twinId)) continue;
      this.waiting.splice(i, 1);
      this.onDrop(job, heldByLimit ? 'stale-after-limit' : 'stale');
    }
  }

  /** The hourly limit has no room: what waits now was held by it. */
  heldByLimit(): void {
    for (const entry of this.waiting) entry.heldByLimit = true;
  }

  /** Takes the next window in turn; its twin goes to the end of the turns. */
  take(): J | undefined {
    if (this.waiting.length === 0) return undefined;
    const first = this.waiting.reduce((a, b) => (this.before(b, a) ? b : a));
    this.waiting.splice(this.waiting.indexOf(first), 1);
    this.lastTurn.set(first.job.twinId, ++this.turns);
    return first.job;
  }

  clear(): void {
    this.waiting.length = 0;
  }

  /** Forgets twins' waiting windows (a partition gone), not their turns. */
  forget(twinIds: ReadonlySet<string>): void {
    for (let i = this.waiting.length - 1; i >= 0; i -= 1)
      if (twinIds.has(this.waiting[i]!.job.twinId)) this.waiting.splice(i, 1);
  }

  /** Whether a goes before b: its twin asked longer ago, or (as long ago) it waited longer. */
  private before(a: Entry<J>, b: Entry<J>): boolean {
    const turnA = this.lastTurn.get(a.job.twinId) ?? 0;
    const turnB = this.lastTurn.get(b.job.twinId) ?? 0;
    return turnA !== turnB ? turnA < turnB : a.arrived < b.arrived;
  }
}
