import { mean, quantile, varianceInflation } from '../stats/series-stats';
import { symmetricEigen } from '../stats/symmetric-eigen';

/** Plain data, for checkpoints. */
export interface NormalModelState {
  centre: number[];
  /** Standard deviation of each feature (inflated). */
  spread: number[];
  /** Inverse of the (inflated, shrunk) covariance of the features. */
  precision: number[][];
  /** Squared Mahalanobis distance that is the control limit (score ratio 1). */
  limit: number;
}

export interface Judgement {
  /** Squared distance over the limit: 1 is at the limit. */
  ratio: number;
  /** Each feature's share of the squared distance (sums to 1; a share can be negative). */
  shares: number[];
  /** Deviation of each feature from its centre, in (inflated) standard deviations. */
  deviation: number[];
}

export interface NormalModelSettings {
  limitQuantile: number;
  limitMargin: number;
  shrinkage: number;
}

/**
 * What normal feature vectors look like: their centre and covariance (Mahalanobis distance),
 * learned from the warm-up. The variance along each principal direction is inflated by how
 * little the warm-up says about it (a slow swing is seen only a few times in a window), and the
 * control limit is a quantile of the warm-up's own distances times a margin, not a Gaussian
 * formula: the distances of smoothed, autocorrelated features are far from chi-square.
 */
export class NormalModel {
  private constructor(readonly state: NormalModelState) {}

  static fit(smoothed: number[][], raw: number[][], settings: NormalModelSettings): NormalModel {
    const n = smoothed.length;
    const d = smoothed[0]?.length ?? 0;
    const centre = Array.from({ length: d }, (_, j) => mean(smoothed.map((r) => r[j]!)));
    const covariance = Array.from({ length: d }, (_, i) =>
      Array.from({ length: d }, (_, j) => {
        let sum = 0;
        for (const r of smoothed) sum += (r[i]! - centre[i]!) * (r[j]! - centre[j]!);
        const c = sum / Math.max(1, n - 1);
        return i === j ? c : (1 - settings.shrinkage) * c;
      }),
    );
    const { values, vectors } = symmetricEigen(covariance);
    // Each principal direction's variance, inflated by how few independent readings the warm-up
    // holds along it: the common swing of a slow load has few, a relation between properties
    // (power minus what the speed implies) has many, so a break of it stays sensitive.
    const variances = values.map((v, k) => {
      if (!(v > 0)) return 0;
      const along = raw.map((r) => r.reduce((s, x, j) => s + x * vectors[k]![j]!, 0));
      return v * varianceInflation(along);
    });
    const floor = Math.max(...variances, 1e-12) * 1e-9;
    const precision = Array.from({ length: d }, (_, i) =>
      Array.from({ length: d }, (_, j) =>
        variances.reduce(
          (s, v, k) => s + (vectors[k]![i]! * vectors[k]![j]!) / Math.max(v, floor),
          0,
        ),
      ),
    );
    const spread = Array.from({ length: d }, (_, j) =>
      Math.sqrt(variances.reduce((s, v, k) => s + vectors[k]![j]! ** 2 * v, 0)),
    );
    const probe = new NormalModel({ centre, spread, precision, limit: 1 });
    const distances = smoothed.map((r) => probe.distance(r));
    const limit = Math.max(
      quantile(distances, settings.limitQuantile) * settings.limitMargin,
      1e-9,
    );
    return new NormalModel({ ...probe.state, limit });
  }

  static restore(state: NormalModelState): NormalModel {
    return new NormalModel(structuredClone(state));
  }

  judge(features: readonly number[]): Judgement {
    const { centre, spread, precision, limit } = this.state;
    const e = features.map((f, j) => f - centre[j]!);
    const pe = precision.map((row) => row.reduce((s, p, k) => s + p * e[k]!, 0));
    const d2 = e.reduce((s, v, j) => s + v * pe[j]!, 0);
    return {
      ratio: d2 / limit,
      shares: e.map((v, j) => (d2 > 0 ? (v * pe[j]!) / d2 : 0)),
      deviation: e.map((v, j) => (spread[j]! > 0 ? v / spread[j]! : 0)),
    };
  }

  private distance(features: readonly number[]): number {
    const { centre, precision } = this.state;
    let d2 = 0;
    for (let i = 0; i < centre.length; i++) {
      const ei = features[i]! - centre[i]!;
      for (let j = 0; j < centre.length; j++)
        d2 += ei * precision[i]![j]! * (features[j]! - centre[j]!);
    }
    return d2;
  }
}
