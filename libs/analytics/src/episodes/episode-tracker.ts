/**
 * Hysteresis over a stream of anomaly scores: an episode opens when the smoothed score stays at
 * or above `open` for `minRun` readings, and closes when it falls below `close` for `minRun`
 * readings. One open and one close per episode, however noisy the score in between.
 */
export interface EpisodeSettings {
  open: number;
  close: number;
  minRun: number;
  /** Readings below `close` that end an episode (default minRun): more makes chatter at a boundary one episode. */
  minRunToClose?: number;
  /** EWMA weight of the newest score (1 = no smoothing). */
  smoothing: number;
}

export const DEFAULT_EPISODE_SETTINGS: EpisodeSettings = {
  open: 0.5,
  close: 0.35,
  minRun: 3,
  smoothing: 0.3,
};

export type EpisodeChange = 'opened' | 'closed' | null;

/** A tracker's state as plain data (checkpoints). */
export interface EpisodeTrackerState {
  smoothed: number;
  run: number;
  primed: boolean;
  active: boolean;
}

export class EpisodeTracker {
  private smoothed = 0;
  private run = 0;
  private primed = false;
  active = false;

  constructor(private readonly settings: EpisodeSettings = DEFAULT_EPISODE_SETTINGS) {}

  /** Feeds one score in [0, 1]; says whether an episode opened or closed with it. */
  next(score: number): EpisodeChange {
    const { smoothing, open, close, minRun } = this.settings;
    this.smoothed = this.primed ? smoothing * score + (1 - smoothing) * this.smoothed : score;
    this.primed = true;
    const crossing = this.active ? this.smoothed < close : this.smoothed >= open;
    this.run = crossing ? this.run + 1 : 0;
    const needed = this.active ? (this.settings.minRunToClose ?? minRun) : minRun;
    if (this.run < needed) return null;
    this.run = 0;
    this.active = !this.active;
    return this.active ? 'opened' : 'closed';
  }

  get score(): number {
    return this.smoothed;
  }

  snapshot(): EpisodeTrackerState {
    return { smoothed: this.smoothed, run: this.run, primed: this.primed, active: this.active };
  }

  restore(state: EpisodeTrackerState): void {
    ({ smoothed: this.smoothed, run: this.run, primed: this.primed, active: this.active } = state);
  }
}
