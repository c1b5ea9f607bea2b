/** The level-and-season model's state as plain data (checkpoints). */
export interface LevelSeasonState {
  level: number;
  /** Offset of each hour of the day from the level (interpolated between hours). */
  season: number[];
  /** Running mean absolute residual: the scale residuals are judged against. */
  scale: number;
  /** Residuals of the last few rows, newest last, for the level-shift rule. */
  recent: number[];
  rows: number;
}

const SLOTS = 24;
/** Share of the daily shape learned per day (a changed cycle is followed within a few days). */
const SEASON_PER_DAY = 0.3;
/** Residuals beyond this many scales are clipped before they teach the model. */
const CLIP = 3;
/** Consecutive same-signed residuals beyond CLIP scales that make a level shift the new level. */
const SHIFT_RUN = 4;
/** Weight of the newest |residual| in the scale. */
const SCALE_WEIGHT = 0.02;

/**
 * A robust additive level + daily-cycle model (Holt-Winters without trend, with clipped
 * updates): what the next value should be given the recent level and the hour of the day. The
 * raw score is the residual in units of the running mean absolute residual. A single outlier
 * barely teaches it; a run of SHIFT_RUN residuals on one side beyond CLIP scales is a new normal
 * level and is absorbed at once, so a level shift alarms once instead of for hours.
 */
export class LevelSeason {
  private state: LevelSeasonState = { level: 0, season: [], scale: 0, recent: [], rows: 0 };

  constructor(private readonly levelWeight: number) {}

  /** What the model expects now (the level plus the hour's offset). */
  expected(dayPhase: number, rowsPerSlot: number): number {
    return this.state.level + (rowsPerSlot > 0 ? this.seasonAt(dayPhase) : 0);
  }

  /**
   * Judges `x` at `dayPhase` (0..1; `rowsPerSlot` rows per hour, 0 when time of day is unknown)
   * and learns from it; raw = |residual| / scale, where the scale is at least `floor`.
   */
  observe(
    x: number,
    dayPhase: number,
    rowsPerSlot: number,
    floor: number,
  ): { raw: number; persistent: number; residual: number } {
    const s = this.state;
    if (s.rows === 0) {
      s.level = x;
      s.season = new Array<number>(SLOTS).fill(0);
    }
    s.rows += 1;
    const residual = x - this.expected(dayPhase, rowsPerSlot);
    const scale = Math.max(s.scale, floor);
    const raw = residual === 0 ? 0 : scale > 0 ? Math.abs(residual) / scale : 1e6;
    // The mean of the last SHIFT_RUN residuals: a small shift that persists (a level shift in
    // heavy-tailed noise) stands out in it before the level absorbs it.
    const run = [...s.recent.slice(1 - SHIFT_RUN), residual];
    const mean = run.reduce((a, b) => a + b, 0) / run.length;
    const persistent = mean === 0 ? 0 : scale > 0 ? Math.abs(mean) / scale : 1e6;
    this.learn(residual, dayPhase, rowsPerSlot, scale);
    return { raw, persistent, residual };
  }

  snapshot(): LevelSeasonState {
    return structuredClone(this.state);
  }

  restore(state: LevelSeasonState): void {
    this.state = structuredClone(state);
  }

  private learn(residual: number, dayPhase: number, rowsPerSlot: number, scale: number): void {
    const s = this.state;
    const limit = CLIP * scale;
    const clipped = scale > 0 ? Math.max(-limit, Math.min(limit, residual)) : residual;
    s.recent.push(residual);
    if (s.recent.length > SHIFT_RUN) s.recent.shift();
    const shifted =
      s.recent.length === SHIFT_RUN &&
      scale > 0 &&
      (s.recent.every((r) => r > limit) || s.recent.every((r) => r < -limit));
    if (shifted) {
      // A new normal: move the level by the run's median and forget the run.
      const sorted = [...s.recent].sort((a, b) => a - b);
      s.level += (sorted[1]! + sorted[2]!) / 2;
      s.recent = [];
    } else {
      // Warm-up: a plain running mean, then exponential forgetting.
      s.level += Math.max(this.levelWeight, 1 / s.rows) * clipped;
    }
    if (rowsPerSlot > 0) this.learnSeason(clipped, dayPhase, rowsPerSlot);
    const w = Math.max(SCALE_WEIGHT, 1 / s.rows);
    const absolute = Math.abs(scale > 0 ? Math.min(Math.abs(residual), 2 * limit) : residual);
    s.scale += w * (absolute - s.scale);
  }

  private seasonAt(dayPhase: number): number {
    const { season } = this.state;
    const at = dayPhase * SLOTS - 0.5;
    const i = Math.floor(at);
    const f = at - i;
    return (1 - f) * season[(i + SLOTS) % SLOTS]! + f * season[(i + 1) % SLOTS]!;
  }

  private learnSeason(residual: number, dayPhase: number, rowsPerSlot: number): void {
    const { season } = this.state;
    const rate = 1 - (1 - SEASON_PER_DAY) ** (1 / rowsPerSlot);
    const at = dayPhase * SLOTS - 0.5;
    const i = Math.floor(at);
    const f = at - i;
    season[(i + SLOTS) % SLOTS]! += rate * (1 - f) * residual;
    season[(i + 1) % SLOTS]! += rate * f * residual;
  }
}
