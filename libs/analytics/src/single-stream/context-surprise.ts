/** The context scorer's state as plain data (checkpoints). */
export interface ContextState {
  low: number;
  high: number;
  /** Level of the previous two rows (-1 before there are any). */
  previous: [number, number];
  /** Counts of `previous levels -> level` and `part of day -> level`, keyed by context. */
  counts: Record<string, number[]>;
  rows: number;
}

/** Parts of the day a level is expected in (4-hour blocks: night, morning, ...). */
const DAY_PARTS = 6;
/** Counts fade by this factor per row seen in their context, so an old habit is forgotten. */
const FADE = 0.995;

/**
 * Surprise of the value's coarse level given its context: the value is quantised into `levels`
 * bins across the range seen so far (never the stream's future range), and the scorer counts
 * which level follows which two levels and which level is usual in each part of the day. The
 * raw score is the mean of the two surprises, -log P(level | context), with add-half smoothing:
 * a value that is common in itself can be rare after what came before it or at that hour.
 */
export class ContextSurprise {
  private state: ContextState = { low: 0, high: 0, previous: [-1, -1], counts: {}, rows: 0 };

  constructor(private readonly levels: number) {}

  observe(x: number, dayPart: number | undefined): number {
    const s = this.state;
    if (s.rows === 0) {
      s.low = x;
      s.high = x;
    }
    s.rows += 1;
    s.low = Math.min(s.low, x);
    s.high = Math.max(s.high, x);
    const level = this.levelOf(x);
    const sequence = `s${s.previous[0]},${s.previous[1]}`;
    const contexts = dayPart === undefined ? [sequence] : [sequence, `d${dayPart % DAY_PARTS}`];
    let surprise = 0;
    for (const key of contexts) surprise += this.surprise(key, level);
    s.previous = [s.previous[1], level];
    return surprise / contexts.length;
  }

  snapshot(): ContextState {
    return structuredClone(this.state);
  }

  restore(state: ContextState): void {
    this.state = structuredClone(state);
  }

  private levelOf(x: number): number {
    const { low, high } = this.state;
    if (!(high > low)) return 0;
    return Math.min(this.levels - 1, Math.floor(((x - low) / (high - low)) * this.levels));
  }

  /** -log P(level | context) with add-half smoothing; then counts the level in the context. */
  private surprise(key: string, level: number): number {
    const counts = (this.state.counts[key] ??= new Array<number>(this.levels).fill(0));
    let total = 0;
    for (const c of counts) total += c;
    const p = (counts[level]! + 0.5) / (total + 0.5 * this.levels);
    for (let i = 0; i < counts.length; i++) counts[i]! *= FADE;
    counts[level]! += 1;
    return -Math.log(p);
  }
}

/** Part of the day (0..DAY_PARTS-1) of a day phase in [0, 1). */
export function dayPartOf(dayPhase: number): number {
  return Math.min(DAY_PARTS - 1, Math.floor(dayPhase * DAY_PARTS));
}
