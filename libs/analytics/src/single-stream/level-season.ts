/** The level-and-season model's state as plain data (checkpoints). */
export interface LevelSeasonState {
  level: number;
  /** Offset of each slot of the period from the level (empty for a model without a period). */
  season: number[];
  /** Whether each slot has been seen (its first value sets it). */
  seen: number[];
  /** Running mean absolute residual: the scale residuals are judged against. */
  scale: number;
  /** Slow running mean squared residual, unclipped: how well the model predicts (model choice). */
  meanSquare: number;
  /** Residuals of the last few rows, newest last, for the level-shift rule. */
  recent: number[];
  rows: number;
}

/** Share of the period's shape learned per period (a changed cycle is followed in a few). */
const SEASON_PER_PERIOD = 0.3;
/** Residuals beyond this many scales are clipped before they teach the model. */
const CLIP = 3;
/** Consecutive same-signed residuals beyond CLIP scales that make a level shift the new level. */
const SHIFT_RUN = 4;
/** Weight of the newest |residual| in the scale. */
const SCALE_WEIGHT = 0.02;

/** Weight of the newest squared residual in the model's fit (about the last 500 rows). */
const FIT_WEIGHT = 0.002;

/** Where in its period a row falls: the slot, and the rows per slot per period. */
export interface SlotOf {
  slot: number;
  slots: number;
  rowsPerSlot: number;
}

export interface Residual {
  /** |residual| / scale. */
  raw: number;
  /** |mean of the last SHIFT_RUN residuals| / scale: a small shift that persists. */
  persistent: number;
  residual: number;
}

/**
 * A robust additive level + seasonal-profile model (Holt-Winters without trend, with clipped
 * updates): what the next value should be given the recent level and, when given a period,
 * the value's slot in it (a slot's first value sets it, then it learns SEASON_PER_PERIOD of the
 * shape per period). The raw score is the residual in units of the running mean absolute
 * residual. A single outlier barely teaches it; a run of SHIFT_RUN residuals on one side beyond
 * CLIP scales is a new normal level and is absorbed at once, so a level shift alarms once
 * instead of for hours.
 */
export class LevelSeason {
  private state: LevelSeasonState = {
    level: 0,
    season: [],
    seen: [],
    scale: 0,
    meanSquare: 0,
    recent: [],
    rows: 0,
  };

  constructor(private readonly levelWeight: number) {}

  get scale(): number {
    return this.state.scale;
  }

  /** How well the model has predicted lately (its big misses weigh most). */
  get meanSquare(): number {
    return this.state.meanSquare;
  }

  get rows(): number {
    return this.state.rows;
  }

  /** What the model expects now. */
  expected(at?: SlotOf): number {
    const { level, season } = this.state;
    return level + (at && season.length === at.slots ? (season[at.slot] ?? 0) : 0);
  }

  /** Judges `x` (in `at` of the period, if any) and learns from it; the scale is at least `floor`. */
  observe(x: number, at: SlotOf | undefined, floor: number): Residual {
    const s = this.state;
    if (s.rows === 0) s.level = x;
    if (at && s.season.length !== at.slots) {
      s.season = new Array<number>(at.slots).fill(0);
      s.seen = new Array<number>(at.slots).fill(0);
    }
    if (at && !s.seen[at.slot]) {
      s.season[at.slot] = x - s.level;
      s.seen[at.slot] = 1;
    }
    s.rows += 1;
    const residual = x - this.expected(at);
    const scale = Math.max(s.scale, floor);
    const raw = residual === 0 ? 0 : scale > 0 ? Math.abs(residual) / scale : 1e6;
    const run = [...s.recent.slice(1 - SHIFT_RUN), residual];
    const mean = run.reduce((a, b) => a + b, 0) / run.length;
    const persistent = mean === 0 ? 0 : scale > 0 ? Math.abs(mean) / scale : 1e6;
    this.learn(residual, at, scale);
    return { raw, persistent, residual };
  }

  snapshot(): LevelSeasonState {
    return structuredClone(this.state);
  }

  restore(state: LevelSeasonState): void {
    this.state = structuredClone(state);
  }

  private learn(residual: number, at: SlotOf | undefined, scale: number): void {
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
    if (at && !shifted) {
      const rate = 1 - (1 - SEASON_PER_PERIOD) ** (1 / at.rowsPerSlot);
      s.season[at.slot]! += rate * clipped;
    }
    s.meanSquare += Math.max(FIT_WEIGHT, 1 / s.rows) * (residual * residual - s.meanSquare);
    const w = Math.max(SCALE_WEIGHT, 1 / s.rows);
    const absolute = scale > 0 ? Math.min(Math.abs(residual), 2 * limit) : Math.abs(residual);
    s.scale += w * (absolute - s.scale);
  }
}
