import { LevelSeason, type LevelSeasonState, type Residual, type SlotOf } from './level-season';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** Finest profile kept per period (a 5-minute day; a week of 5-minute rows). */
const MAX_SLOTS = { day: 288, week: 2016 };

/** Time context of a row: its place in the day and week (absent when time is unknown). */
export interface RowTime {
  at: number;
  /** The settled sampling interval, ms. */
  interval: number;
}

/**
 * Three predictions of the same stream (and a slow level, for drift): the level alone (fast: a stream that wanders), and the
 * level plus a daily or a weekly profile (the level slow, so that the profile holds the cycle).
 * Each row is judged by the one whose recent mean squared residual is smallest (its big
 * misses weigh most: a cycle with sharp edges is told from the level alone): a
 * cycle is used once it predicts better than the level alone, judged online, never from the
 * stream's future. A periodic model is eligible after 1.5 periods.
 */
export class SeasonalModels {
  private readonly models: LevelSeason[];

  constructor(levelWeight: number) {
    this.models = [
      new LevelSeason(levelWeight),
      new LevelSeason(levelWeight / 10),
      new LevelSeason(levelWeight / 10),
      // The level alone, slow: how far the fast level has moved from it is a drift.
      new LevelSeason(levelWeight / 10),
    ];
  }

  /**
   * Judges `x` with the best eligible model, then teaches them all. `drift` is the gap between
   * the fast and the slow level in units of the fast level's scale; it means little when a
   * cycle is chosen (`periodic`: the fast level swings with the cycle, and the chosen model's
   * slow level and residuals show a drift).
   */
  observe(
    x: number,
    time: RowTime | undefined,
    floor: number,
  ): Residual & { expected: number; drift: number; periodic: boolean } {
    const slots = [
      undefined,
      slotOf(time, DAY_MS, MAX_SLOTS.day),
      slotOf(time, WEEK_MS, MAX_SLOTS.week),
      undefined,
    ];
    const best = this.best(slots);
    const expected = this.models[best]!.expected(slots[best]);
    const [fast, , , slow] = this.models as [LevelSeason, LevelSeason, LevelSeason, LevelSeason];
    const gap = Math.abs(fast.expected() - slow.expected());
    const scale = Math.max(fast.scale, floor);
    const drift = gap === 0 ? 0 : scale > 0 ? gap / scale : 1e6;
    const results = this.models.map((m, i) => m.observe(x, slots[i], floor));
    return { ...results[best]!, expected, drift, periodic: best !== 0 };
  }

  snapshot(): LevelSeasonState[] {
    return this.models.map((m) => m.snapshot());
  }

  restore(states: LevelSeasonState[]): void {
    states.forEach((s, i) => this.models[i]!.restore(s));
  }

  private best(slots: Array<SlotOf | undefined>): number {
    let best = 0;
    this.models.forEach((m, i) => {
      const at = slots[i];
      if (i === 0 || !at) return; // (the slow level, without a period, is never chosen)
      const eligible = m.rows >= 1.5 * at.slots * at.rowsPerSlot;
      if (eligible && m.meanSquare < this.models[best]!.meanSquare) best = i;
    });
    return best;
  }
}

function slotOf(time: RowTime | undefined, period: number, maxSlots: number): SlotOf | undefined {
  if (!time || !(time.interval > 0) || time.interval > period / 24) return undefined;
  const rows = period / time.interval;
  const slots = Math.max(1, Math.min(maxSlots, Math.round(rows)));
  const phase = (((time.at % period) + period) % period) / period;
  return { slot: Math.min(slots - 1, Math.floor(phase * slots)), slots, rowsPerSlot: rows / slots };
}
