import { MultivariateDetector } from '../multivariate/multivariate-detector';
import {
  MULTIVARIATE_DETECTOR,
  WHOLE_TWIN,
  type AnomalyChange,
  type MonitoredReading,
  type MonitorSettings,
  type MonitorState,
} from './monitor-types';
import { PropertyVector } from './property-vector';
import { severityOf } from './severity-of-score';

/**
 * A twin's multivariate channel: the detector over its property vector (assembled from the
 * latest value of each property per time instant), with its open episode. One episode per
 * twin, opened and closed by the detector's own hysteresis.
 */
export class MultivariateChannel {
  private constructor(
    private detector: MultivariateDetector,
    private vector: PropertyVector,
    private episodeId: string | null,
  ) {}

  /** The channel the settings ask for (two properties or more), or null. */
  static of(settings: MonitorSettings): MultivariateChannel | null {
    const mv = settings.multivariate;
    return mv && mv.properties.length >= 2
      ? new MultivariateChannel(
          new MultivariateDetector(mv.properties.length, mv),
          new PropertyVector(mv.properties),
          null,
        )
      : null;
  }

  observe(twinId: string, readings: MonitoredReading[]): AnomalyChange[] {
    const changes: AnomalyChange[] = [];
    const properties = this.vector.properties;
    for (const vector of this.vector.take(readings)) {
      const verdict = this.detector.observe(vector.values);
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
          evidence: this.detector.contributors(3).map((c) => ({
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
      detector: this.detector.snapshot(),
      vector: this.vector.snapshot(),
      episodeId: this.episodeId,
    };
  }

  /** Continues from a checkpoint taken with the same settings (other properties are refused). */
  restore(settings: MonitorSettings, state: NonNullable<MonitorState['multivariate']>): void {
    const properties = settings.multivariate!.properties;
    if (state.vector.values.length !== properties.length)
      throw new Error('the checkpoint and the settings disagree on the multivariate properties');
    this.detector = MultivariateDetector.restore(state.detector, settings.multivariate);
    this.vector = PropertyVector.restore(properties, state.vector);
    this.episodeId = state.episodeId;
  }
}
