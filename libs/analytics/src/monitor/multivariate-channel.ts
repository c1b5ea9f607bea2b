import { severityAtLeast, type Severity } from '@twinlog/domain';
import {
  MultivariateDetector,
  type MultivariateVerdict,
} from '../multivariate/multivariate-detector';
import { OperatingStateDetector } from '../multivariate/operating-state-detector';
import {
  MULTIVARIATE_DETECTOR,
  WHOLE_TWIN,
  type AnomalyChange,
  type MonitoredReading,
  type MonitorSettings,
  type MonitorState,
  type TwinMultivariateSettings,
} from './monitor-types';
import { OperatingStateWatch } from './operating-state-watch';
import { PropertyVector, type AssembledVector } from './property-vector';
import { severityOf } from './severity-of-score';

/**
 * One detector over the whole vector, or one per declared operating state, told by a property
 * of the vector (`stateIndex`) or by one outside it, held as its readings come (`told`).
 */
type VectorJudge =
  | { kind: 'one'; detector: MultivariateDetector }
  | {
      kind: 'by-state';
      detector: OperatingStateDetector;
      stateIndex: number;
      told: OperatingStateWatch;
    };

/**
 * A twin's multivariate channel: the detector over its property vector (assembled from the
 * latest value of each property per time instant), with its open episode. One episode per
 * twin, opened and closed by the detector's own hysteresis, raised (`escalated`) when the
 * score, a distance of smoothed features, says worse than the episode's worst so far. With declared operating states each
 * state is judged by its own detector (OperatingStateDetector), the state told by the state
 * property's value at the vector's instant.
 */
export class MultivariateChannel {
  private constructor(
    private judge: VectorJudge,
    private vector: PropertyVector,
    private episodeId: string | null,
    /** The open episode's worst severity so far. */
    private severity: Severity | null = null,
  ) {}

  /** The channel the settings ask for (two properties or more), or null. */
  static of(settings: MonitorSettings): MultivariateChannel | null {
    const mv = settings.multivariate;
    if (!mv || mv.properties.length < 2) return null;
    return new MultivariateChannel(judgeOf(mv), new PropertyVector(mv.properties), null);
  }

  /** Judged per declared operating state. */
  get byState(): boolean {
    return this.judge.kind === 'by-state';
  }

  observe(twinId: string, readings: MonitoredReading[]): AnomalyChange[] {
    const changes: AnomalyChange[] = [];
    const judge = this.judge;
    // The state property's readings in time order, taken in up to each vector's instant.
    const told = judge.kind === 'by-state' ? [...readings].sort((a, b) => a.at - b.at) : [];
    let k = 0;
    for (const vector of this.vector.take(readings)) {
      let verdict: MultivariateVerdict;
      if (judge.kind === 'one') verdict = judge.detector.observe(vector.values);
      else {
        while (k < told.length && told[k]!.at <= vector.at) judge.told.note(told[k++]!);
        const state = judge.stateIndex >= 0 ? vector.values[judge.stateIndex]! : judge.told.current;
        verdict = judge.detector.observe(vector.values, state);
      }
      const change = this.change(twinId, vector, verdict);
      if (change) changes.push(change);
    }
    if (judge.kind === 'by-state') while (k < told.length) judge.told.note(told[k++]!);
    return changes;
  }

  snapshot(): NonNullable<MonitorState['multivariate']> {
    const judge = this.judge;
    return {
      detector: judge.detector.snapshot(),
      vector: this.vector.snapshot(),
      episodeId: this.episodeId,
      ...(this.severity ? { severity: this.severity } : {}),
      ...(judge.kind === 'by-state' ? { told: judge.told.snapshot() } : {}),
    };
  }

  /** Continues from a checkpoint taken with the same settings (other properties are refused). */
  restore(settings: MonitorSettings, state: NonNullable<MonitorState['multivariate']>): void {
    const mv = settings.multivariate!;
    if (state.vector.values.length !== mv.properties.length)
      throw new Error('the checkpoint and the settings disagree on the multivariate properties');
    const saved = state.detector;
    const judge = judgeOf(mv);
    if (judge.kind === 'one' && !('detectors' in saved))
      judge.detector = MultivariateDetector.restore(saved, mv);
    else if (judge.kind === 'by-state' && 'detectors' in saved) {
      const width = mv.properties.length;
      judge.detector = OperatingStateDetector.restore(saved, width, mv, mv.operatingStates!);
      if (state.told) judge.told.restore(state.told);
    } else throw new Error('the checkpoint and the settings disagree on the operating states');
    this.judge = judge;
    this.vector = PropertyVector.restore(mv.properties, state.vector);
    this.episodeId = state.episodeId;
    // A checkpoint taken before severities were kept: the lowest an episode opens with, raised
    // by the next vector that scores worse.
    this.severity = state.episodeId ? (state.severity ?? severityOf(0.5)) : null;
  }

  private change(
    twinId: string,
    vector: AssembledVector,
    verdict: MultivariateVerdict,
  ): AnomalyChange | null {
    if (verdict.change === 'opened') {
      this.episodeId = `${twinId}:${WHOLE_TWIN}:${MULTIVARIATE_DETECTOR}:${vector.readingId}`;
      this.severity = severityOf(verdict.score);
      return this.finding('detected', this.episodeId, this.severity, vector, verdict.score);
    }
    if (verdict.change === null && verdict.active && this.episodeId && this.severity) {
      const severity = severityOf(verdict.score);
      if (severityAtLeast(this.severity, severity)) return null;
      this.severity = severity;
      return this.finding('escalated', this.episodeId, severity, vector, verdict.score);
    }
    if (verdict.change === 'closed' && this.episodeId) {
      const cleared: AnomalyChange = {
        kind: 'cleared',
        episodeId: this.episodeId,
        detector: MULTIVARIATE_DETECTOR,
        property: WHOLE_TWIN,
        at: vector.at,
      };
      this.episodeId = null;
      this.severity = null;
      return cleared;
    }
    return null;
  }

  private finding(
    kind: 'detected' | 'escalated',
    episodeId: string,
    severity: Severity,
    vector: AssembledVector,
    score: number,
  ): AnomalyChange {
    const properties = this.vector.properties;
    return {
      kind,
      episodeId,
      detector: MULTIVARIATE_DETECTOR,
      property: WHOLE_TWIN,
      score,
      severity,
      // The properties that carry the distance, with their recent level and the expected one.
      evidence: this.judge.detector.contributors(3).map((c) => ({
        property: properties[c.index]!,
        observed: c.observed,
        expected: c.expected,
      })),
      at: vector.at,
    };
  }
}

function judgeOf(mv: TwinMultivariateSettings): VectorJudge {
  const width = mv.properties.length;
  const states = mv.operatingStates;
  if (!states) return { kind: 'one', detector: new MultivariateDetector(width, mv) };
  return {
    kind: 'by-state',
    detector: new OperatingStateDetector(width, mv, states),
    stateIndex: mv.properties.indexOf(states.property),
    told: new OperatingStateWatch(states),
  };
}
