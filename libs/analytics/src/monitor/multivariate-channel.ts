import { MultivariateDetector } from '../multivariate/multivariate-detector';
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
import { PropertyVector } from './property-vector';
import { severityOf } from './severity-of-score';

/** One detector over the whole vector, or one per declared operating state. */
type VectorJudge =
  | { kind: 'one'; detector: MultivariateDetector }
  | { kind: 'by-state'; detector: OperatingStateDetector; stateIndex: number };

/**
 * A twin's multivariate channel: the detector over its property vector (assembled from the
 * latest value of each property per time instant), with its open episode. One episode per
 * twin, opened and closed by the detector's own hysteresis. With declared operating states the
 * vector also carries the state property (when it is not judged itself), and each state is
 * judged by its own detector (OperatingStateDetector).
 */
export class MultivariateChannel {
  private constructor(
    private judge: VectorJudge,
    private vector: PropertyVector,
    private episodeId: string | null,
  ) {}

  /** The channel the settings ask for (two properties or more), or null. */
  static of(settings: MonitorSettings): MultivariateChannel | null {
    const mv = settings.multivariate;
    if (!mv || mv.properties.length < 2) return null;
    return new MultivariateChannel(judgeOf(mv), new PropertyVector(vectorOf(mv)), null);
  }

  /** Judged per declared operating state. */
  get byState(): boolean {
    return this.judge.kind === 'by-state';
  }

  observe(twinId: string, readings: MonitoredReading[]): AnomalyChange[] {
    const changes: AnomalyChange[] = [];
    const properties = this.vector.properties;
    const judge = this.judge;
    for (const vector of this.vector.take(readings)) {
      const verdict =
        judge.kind === 'one'
          ? judge.detector.observe(vector.values)
          : judge.detector.observe(
              vector.values.slice(0, judge.detector.width),
              vector.values[judge.stateIndex]!,
            );
      if (verdict.change === 'opened') {
        this.episodeId = `${twinId}:${WHOLE_TWIN}:${MULTIVARIATE_DETECTOR}:${vector.readingId}`;
        changes.push({
          kind: 'detected',
          episodeId: this.episodeId,
          detector: MULTIVARIATE_DETECTOR,
          property: WHOLE_TWIN,
          score: verdict.score,
          severity: severityOf(verdict.score),
          // The properties that carry the distance, with their recent level and the expected one.
          evidence: judge.detector.contributors(3).map((c) => ({
            property: properties[c.index]!,
            observed: c.observed,
            expected: c.expected,
          })),
          at: vector.at,
        });
      } else if (verdict.change === 'closed' && this.episodeId) {
        changes.push({
          kind: 'cleared',
          episodeId: this.episodeId,
          detector: MULTIVARIATE_DETECTOR,
          property: WHOLE_TWIN,
          at: vector.at,
        });
        this.episodeId = null;
      }
    }
    return changes;
  }

  snapshot(): NonNullable<MonitorState['multivariate']> {
    return {
      detector: this.judge.detector.snapshot(),
      vector: this.vector.snapshot(),
      episodeId: this.episodeId,
    };
  }

  /** Continues from a checkpoint taken with the same settings (other properties are refused). */
  restore(settings: MonitorSettings, state: NonNullable<MonitorState['multivariate']>): void {
    const mv = settings.multivariate!;
    const properties = vectorOf(mv);
    if (state.vector.values.length !== properties.length)
      throw new Error('the checkpoint and the settings disagree on the multivariate properties');
    const saved = state.detector;
    const judge = judgeOf(mv);
    if (judge.kind === 'one' && !('detectors' in saved))
      judge.detector = MultivariateDetector.restore(saved, mv);
    else if (judge.kind === 'by-state' && 'detectors' in saved)
      judge.detector = OperatingStateDetector.restore(
        saved,
        mv.properties.length,
        mv,
        mv.operatingStates!,
      );
    else throw new Error('the checkpoint and the settings disagree on the operating states');
    this.judge = judge;
    this.vector = PropertyVector.restore(properties, state.vector);
    this.episodeId = state.episodeId;
  }
}

/** The vector's properties: the judged ones, then the state property when it is not one of them. */
function vectorOf(mv: TwinMultivariateSettings): string[] {
  const state = mv.operatingStates?.property;
  return state === undefined || mv.properties.includes(state)
    ? mv.properties
    : [...mv.properties, state];
}

function judgeOf(mv: TwinMultivariateSettings): VectorJudge {
  const width = mv.properties.length;
  const states = mv.operatingStates;
  if (!states) return { kind: 'one', detector: new MultivariateDetector(width, mv) };
  const own = mv.properties.indexOf(states.property);
  return {
    kind: 'by-state',
    detector: new OperatingStateDetector(width, mv, states),
    stateIndex: own >= 0 ? own : width,
  };
}
