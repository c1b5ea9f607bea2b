import { TwinlogError } from '@twinlog/domain';
import {
  EpisodeTracker,
  type EpisodeChange,
  type EpisodeTrackerState,
} from '../episodes/episode-tracker';
import { FeatureStream, type FeatureStreamState } from './feature-stream';
import {
  checkMultivariateSettings,
  DEFAULT_MULTIVARIATE_SETTINGS,
  type MultivariateSettings,
} from './multivariate-settings';
import { NormalModel, type Judgement, type NormalModelState } from './normal-model';
import { RowBuffer } from './row-buffer';

export interface MultivariateVerdict {
  /** Still learning normal behaviour (warm-up): nothing is judged. */
  learning: boolean;
  /** In [0, 1): ratio / (1 + ratio), so 0.5 is the control limit. */
  score: number;
  /** Inside an episode (after hysteresis). */
  active: boolean;
  change: EpisodeChange;
}

export interface Contributor {
  /** Index of the property in the vector. */
  index: number;
  /** Its share of the squared distance. */
  share: number;
  /** Its recent (smoothed) value and what normal behaviour expected, in its own units. */
  observed: number;
  expected: number;
}

/** The detector's state as plain data: checkpoint it, restore it, continue exactly. */
export interface MultivariateDetectorState {
  width: number;
  warmUpRows: number[][];
  stream: FeatureStreamState | null;
  model: NormalModelState | null;
  tracker: EpisodeTrackerState;
  /** Mean deviation vector of the current episode (its direction and typical size). */
  centroid: number[];
  episodeLength: number;
  /** Vectors left in the settling period after a recovery. */
  settling: number;
}

/**
 * An online multivariate anomaly detector over a twin's property vector. It learns normal
 * behaviour from the first `warmUp` vectors of the twin's own history, then judges each vector
 * once, in order, from what came before it (no look-ahead):
 * - features: each property's smoothed deviation from a normal level that follows slow drift
 *   (only outside episodes, so a fault is not learned), or, for a slowly wandering property, its
 *   smoothed rate of change;
 * - score: Mahalanobis distance of the feature vector, so a combination no single property
 *   shows (a correlation break) scores as high as a big excursion of one;
 * - hysteresis: an episode opens after `smoothing` vectors over the limit and closes after
 *   `smoothing` vectors below `closeBelow`, or once the deviation has shrunk to
 *   `recoveryShare` of the episode's own typical size: then the process is back near normal
 *   with a small offset (a fault was removed, the machine settled slightly differently), and the
 *   level settles onto it instead of holding a standing alarm.
 */
export class MultivariateDetector {
  private readonly tracker: EpisodeTracker;
  private stream: FeatureStream | null = null;
  private model: NormalModel | null = null;
  private warmUpRows: RowBuffer;
  private centroid: number[] = [];
  private episodeLength = 0;
  private settling = 0;
  private last: Judgement | null = null;

  constructor(
    private readonly width: number,
    private readonly settings: MultivariateSettings = DEFAULT_MULTIVARIATE_SETTINGS,
  ) {
    checkMultivariateSettings(settings);
    if (!Number.isInteger(width) || width < 1)
      throw new Error('a multivariate detector needs at least one property');
    this.warmUpRows = new RowBuffer(width, settings.warmUp);
    const close = settings.closeBelow / (1 + settings.closeBelow);
    this.tracker = new EpisodeTracker({
      open: 0.5,
      close,
      minRun: settings.smoothing,
      minRunToClose: settings.smoothing,
      smoothing: 1,
    });
  }

  get learning(): boolean {
    return this.model === null;
  }

  /** Inside an episode. */
  get active(): boolean {
    return this.tracker.active;
  }

  observe(row: readonly number[]): MultivariateVerdict {
    this.check(row);
    if (!this.model || !this.stream) return this.learn(row);
    const { smoothing, adaptation, recoveryShare, closeBelow } = this.settings;
    const features = this.stream.next(row, 1 / smoothing).smoothed;
    const judgement = this.model.judge(features);
    this.last = judgement;
    const score = judgement.ratio / (1 + judgement.ratio);
    const recovered = this.tracker.active && this.recovered(judgement.deviation, recoveryShare);
    if (this.settling > 0) this.settling -= 1;
    // Recovery counts as below the close level; while settling nothing opens.
    const fed = this.tracker.active ? (recovered ? 0 : score) : this.settling > 0 ? 0 : score;
    const change = this.tracker.next(fed);
    if (change === 'closed') {
      // Closed by recovery while still over the close level: settle onto the new normal.
      if (judgement.ratio >= closeBelow) this.settling = 6 * smoothing;
      this.centroid = [];
      this.episodeLength = 0;
    }
    if (this.settling > 0) this.stream.follow(1 / (2 * smoothing));
    if (!this.tracker.active) this.stream.follow(1 / adaptation);
    return { learning: false, score, active: this.tracker.active, change };
  }

  /**
   * The machine has come back to the operating state this detector judges, from another: its
   * recent vectors are forgotten, what it learned is kept (see FeatureStream.restart).
   */
  restart(): void {
    this.stream?.restart();
  }

  /**
   * Takes in a vector of a transient (just after a change of operating state) without judging
   * it: it fills the smoothing and the rates, moves no episode and teaches nothing.
   */
  settle(row: readonly number[]): void {
    this.check(row);
    this.stream?.next(row, 1 / this.settings.smoothing);
  }

  /** The properties that carried the last judged vector's distance, largest share first. */
  contributors(top = 3): Contributor[] {
    const last = this.last;
    const stream = this.stream;
    if (!last || !stream) return [];
    return last.shares
      .map((share, index) => ({ index, share }))
      .filter((c) => c.share > 0)
      .sort((a, b) => b.share - a.share || a.index - b.index)
      .slice(0, top)
      .map((c) => ({ ...c, ...stream.explain(c.index) }));
  }

  snapshot(): MultivariateDetectorState {
    return structuredClone({
      width: this.width,
      warmUpRows: this.warmUpRows.rows(),
      stream: this.stream?.state ?? null,
      model: this.model?.state ?? null,
      tracker: this.tracker.snapshot(),
      centroid: this.centroid,
      episodeLength: this.episodeLength,
      settling: this.settling,
    });
  }

  static restore(
    state: MultivariateDetectorState,
    settings: MultivariateSettings = DEFAULT_MULTIVARIATE_SETTINGS,
  ): MultivariateDetector {
    const detector = new MultivariateDetector(state.width, settings);
    const copy = structuredClone(state);
    detector.warmUpRows = RowBuffer.of(state.width, settings.warmUp, copy.warmUpRows);
    detector.stream = copy.stream ? FeatureStream.restore(copy.stream, settings.smoothing) : null;
    detector.model = copy.model ? NormalModel.restore(copy.model) : null;
    detector.tracker.restore(copy.tracker);
    detector.centroid = copy.centroid;
    detector.episodeLength = copy.episodeLength;
    detector.settling = copy.settling;
    return detector;
  }

  private check(row: readonly number[]): void {
    if (row.length !== this.width || !row.every(Number.isFinite)) {
      throw new TwinlogError(
        'VALUE_INVALID',
        `a property vector must hold ${this.width} finite numbers`,
        { row: [...row] },
      );
    }
  }

  private learn(row: readonly number[]): MultivariateVerdict {
    this.warmUpRows.push(row);
    const { warmUp, smoothing, adaptation, trendShare } = this.settings;
    if (this.warmUpRows.length >= warmUp) {
      const rows = this.warmUpRows.rows();
      const stream = FeatureStream.learn(rows, smoothing, trendShare);
      const smoothed: number[][] = [];
      const raw: number[][] = [];
      rows.forEach((r, i) => {
        const f = stream.next(r, 1 / smoothing);
        // A running mean at first, then the drift-following level.
        stream.follow(Math.max(1 / adaptation, 1 / (i + 1)));
        smoothed.push(f.smoothed);
        raw.push(f.raw);
      });
      // The first quarter lets the smoothing and the level settle.
      const burnIn = Math.floor(warmUp / 4);
      this.model = NormalModel.fit(smoothed.slice(burnIn), raw.slice(burnIn), this.settings);
      this.stream = stream;
      this.warmUpRows = new RowBuffer(this.width, warmUp);
    }
    return { learning: true, score: 0, active: false, change: null };
  }

  /** Whether the deviation has shrunk, along the episode's own direction, to a small share of it. */
  private recovered(deviation: number[], share: number): boolean {
    this.episodeLength += 1;
    if (this.centroid.length === 0) this.centroid = new Array<number>(deviation.length).fill(0);
    const n = this.episodeLength;
    for (let j = 0; j < deviation.length; j++)
      this.centroid[j]! += (deviation[j]! - this.centroid[j]!) / n;
    const size = this.centroid.reduce((s, c) => s + c * c, 0);
    const along = deviation.reduce((s, v, j) => s + v * this.centroid[j]!, 0);
    return size > 0 && along / size < share;
  }
}
