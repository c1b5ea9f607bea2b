import type { EpisodeChange } from '../episodes/episode-tracker';
import {
  MultivariateDetector,
  type Contributor,
  type MultivariateDetectorState,
  type MultivariateVerdict,
} from './multivariate-detector';
import type { MultivariateSettings } from './multivariate-settings';
import { checkOperatingStates, stateOf, type OperatingStateSettings } from './operating-states';

/** The key of the vectors judged while the state property has no value (not a valid state name). */
const UNTOLD = '*';

/** Plain data, for checkpoints. */
export interface OperatingStateDetectorState {
  /** The operating state of the last vector, or null before the first. */
  state: string | null;
  /** Vectors since the state last changed (the settle period counts down on it). */
  inState: number;
  /** One detector per state met so far. */
  detectors: Record<string, MultivariateDetectorState>;
}

export interface OperatingStateVerdict extends MultivariateVerdict {
  state: string;
  /** In the transient after a change of state: not judged. */
  settling: boolean;
}

/**
 * The multivariate detector per declared operating state: an idle machine is judged against
 * what idle looks like, a cutting one against cutting, each learned from the twin's own vectors
 * in that state (a state's warm-up counts only its own vectors). A change of state is normal:
 * the next `settle` vectors are not judged and not learned, and the state's smoothing and rates
 * start afresh from its own vectors. The twin is in an episode while any state's detector is;
 * an episode opened while cutting stays open through an idle gap and is closed by the cutting
 * detector once cutting looks normal again, so a fault that shows in one state only is one
 * episode, not one per load cycle.
 */
export class OperatingStateDetector {
  private state: string | null = null;
  private inState = 0;
  private readonly detectors = new Map<string, MultivariateDetector>();

  constructor(
    readonly width: number,
    private readonly settings: MultivariateSettings,
    private readonly states: OperatingStateSettings,
  ) {
    checkOperatingStates(states);
  }

  /**
   * Judges a vector given the value of the state property at the same instant, or null when the
   * twin has not told its state (yet): such vectors are judged together, as if by one detector
   * without states, so a twin that never reports its state is judged as before.
   */
  observe(row: readonly number[], stateValue: number | null): OperatingStateVerdict {
    const name = stateValue === null ? UNTOLD : stateOf(stateValue, this.states.states);
    const detector = this.detectorOf(name);
    // The first vector ever is no change of state: nothing before it to settle from.
    const first = this.state === null;
    if (name !== this.state) {
      this.state = name;
      this.inState = first ? this.states.settle : 0;
      detector.restart();
    }
    this.inState += 1;
    const wasActive = this.active;
    if (this.inState <= this.states.settle) {
      detector.settle(row);
      return {
        learning: detector.learning,
        score: 0,
        active: wasActive,
        change: null,
        state: name,
        settling: true,
      };
    }
    const verdict = detector.observe(row);
    const active = this.active;
    const change: EpisodeChange =
      !wasActive && active ? 'opened' : wasActive && !active ? 'closed' : null;
    return { ...verdict, active, change, state: name, settling: false };
  }

  /** In an episode: some state's detector is. */
  get active(): boolean {
    for (const detector of this.detectors.values()) if (detector.active) return true;
    return false;
  }

  /** The current state's contributors (its last judged vector). */
  contributors(top = 3): Contributor[] {
    return this.state === null ? [] : (this.detectors.get(this.state)?.contributors(top) ?? []);
  }

  snapshot(): OperatingStateDetectorState {
    const detectors = Object.fromEntries(
      [...this.detectors].map(([name, detector]) => [name, detector.snapshot()]),
    );
    return { state: this.state, inState: this.inState, detectors };
  }

  static restore(
    state: OperatingStateDetectorState,
    width: number,
    settings: MultivariateSettings,
    states: OperatingStateSettings,
  ): OperatingStateDetector {
    const detector = new OperatingStateDetector(width, settings, states);
    const known = new Set([UNTOLD, ...states.states.map((s) => s.name)]);
    for (const [name, saved] of Object.entries(state.detectors)) {
      if (!known.has(name) || saved.width !== width)
        throw new Error(`the checkpoint's operating state ${name} differs from the settings'`);
      detector.detectors.set(name, MultivariateDetector.restore(saved, settings));
    }
    detector.state = state.state;
    detector.inState = state.inState;
    return detector;
  }

  private detectorOf(name: string): MultivariateDetector {
    let detector = this.detectors.get(name);
    if (!detector) {
      detector = new MultivariateDetector(this.width, this.settings);
      this.detectors.set(name, detector);
    }
    return detector;
  }
}
